import type { FormInstance } from 'antd';
import { ApiError } from '../../shared/api.ts';

/**
 * Puts the API's field errors (`errors: [{path, message}]`, path like `/password` or `body/password`)
 * under the matching form fields. Returns true if any field took one.
 */
export function showFieldErrors(form: FormInstance, error: unknown, fields: readonly string[]): boolean {
  if (!(error instanceof ApiError)) return false;
  const byField = new Map<string, string[]>();
  for (const { path, message } of error.errors) {
    const field = (path ?? '').split(/[/.]/).filter(Boolean).pop();
    if (field && fields.includes(field)) byField.set(field, [...(byField.get(field) ?? []), message]);
  }
  form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
  return byField.size > 0;
}

/** The form's values, or null when a field is invalid (antd already shows why under the field). */
export async function validValues<Values>(form: FormInstance<Values>): Promise<Values | null> {
  try {
    return await form.validateFields();
  } catch {
    return null;
  }
}
