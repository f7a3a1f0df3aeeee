import { creditCodeProblem, normalizeCreditCode } from '../../domain/credit-code.ts';
import { mobileProblem, normalizePhone, phoneProblem } from '../../domain/phone.ts';
import { normalizeResidentId, residentIdProblem } from '../../domain/resident-id.ts';
import type { MessageKey, MessageParams } from '../../http/messages.ts';

/** A tenant's fields as typed (undefined: not given, null: cleared). */
export interface TenantFields {
  name?: string | null;
  idNumber?: string | null;
  creditCode?: string | null;
  phone?: string | null;
  legalRepresentative?: string | null;
  contactName?: string | null;
  contactPhone?: string | null;
  address?: string | null;
  bankName?: string | null;
  bankAccount?: string | null;
  remarks?: string | null;
}

export interface FieldIssue {
  field: keyof TenantFields;
  key: MessageKey;
  params?: MessageParams;
}

const BANK_ACCOUNT = /^\d{8,30}$/;

const trimmed = (value: string | null | undefined) =>
  value === undefined ? undefined : value === null || value.trim() === '' ? null : value.trim();

/**
 * Checks a tenant's fields for its kind (every problem, each naming its field) and returns them normalised:
 * ID numbers and credit codes upper-case without spaces, phones without +86 or spaces, bank accounts digits only.
 * `creating` requires what a new tenant must have.
 */
export function tenantFieldProblems(
  kind: 'individual' | 'enterprise',
  input: TenantFields,
  { creating }: { creating: boolean },
): { normalized: TenantFields; problems: FieldIssue[] } {
  const problems: FieldIssue[] = [];
  const normalized: TenantFields = {};
  for (const [field, value] of Object.entries(input) as [keyof TenantFields, string | null | undefined][]) {
    normalized[field] = trimmed(value);
  }
  const { name, idNumber, creditCode, phone, contactPhone, bankAccount } = normalized;

  if (creating && !name) problems.push({ field: 'name', key: 'cell_required' });
  if (kind === 'individual') {
    if (creditCode) problems.push({ field: 'creditCode', key: 'tenant_credit_code_not_for_individual' });
    if (idNumber) {
      const problem = residentIdProblem(idNumber);
      if (problem) problems.push({ field: 'idNumber', ...problem });
      else normalized.idNumber = normalizeResidentId(idNumber);
    } else if (creating || idNumber === null) {
      problems.push({ field: 'idNumber', key: 'tenant_id_number_required' });
    }
  } else {
    if (idNumber) problems.push({ field: 'idNumber', key: 'tenant_id_number_not_for_enterprise' });
    if (creditCode) {
      const problem = creditCodeProblem(creditCode);
      if (problem) problems.push({ field: 'creditCode', ...problem });
      else normalized.creditCode = normalizeCreditCode(creditCode);
    } else if (creating || creditCode === null) {
      problems.push({ field: 'creditCode', key: 'tenant_credit_code_required' });
    }
  }
  if (phone) {
    if (mobileProblem(phone)) problems.push({ field: 'phone', key: 'mobile_format' });
    else normalized.phone = normalizePhone(phone);
  } else if (creating || phone === null) {
    problems.push({ field: 'phone', key: 'cell_required' });
  }
  if (contactPhone) {
    if (phoneProblem(contactPhone)) problems.push({ field: 'contactPhone', key: 'phone_format' });
    else normalized.contactPhone = normalizePhone(contactPhone);
  }
  if (bankAccount) {
    const digits = bankAccount.replace(/[\s-]/g, '');
    if (!BANK_ACCOUNT.test(digits)) problems.push({ field: 'bankAccount', key: 'bank_account_format' });
    else normalized.bankAccount = digits;
  }
  return { normalized, problems };
}
