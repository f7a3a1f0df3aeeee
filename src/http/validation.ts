import { createRequire } from 'node:module';
import { Ajv, type ErrorObject } from 'ajv';
import ajvFormats from 'ajv-formats';
import type { FastifyInstance, FastifySchema, FastifySchemaValidationError } from 'fastify';
import type { Language } from './messages.ts';

// ajv-i18n is CommonJS whose typings claim an ES default export; require gives the function itself.
const localizeZh = createRequire(import.meta.url)('ajv-i18n/localize/zh') as (errors: ErrorObject[]) => void;

// Bodies are validated strictly (no coercion, unknown fields refused); query strings and path
// parameters arrive as text, so there numbers and booleans are coerced.
function makeAjv(coerceTypes: boolean | 'array') {
  const ajv = new Ajv({
    coerceTypes,
    removeAdditional: false,
    useDefaults: true,
    allErrors: true,
    strict: false,
    // A union tagged by a field (`rent.mode`) reports only the errors of the branch the tag chose.
    discriminator: true,
  });
  (ajvFormats as unknown as { default: (ajv: Ajv) => void }).default(ajv);
  return ajv;
}

/**
 * Where the first NUL character is in a request part (PostgreSQL text cannot hold one: it failed as a 500). A loop,
 * not recursion: a body may nest thousands of levels deep.
 */
function nulPathOf(data: unknown): string | undefined {
  const pending: [unknown, string][] = [[data, '']];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, path] = next;
    if (typeof value === 'string' && value.includes('\u0000')) return path;
    if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) pending.push([item, `${path}/${key}`]);
    }
  }
  return undefined;
}

export function installValidators(app: FastifyInstance) {
  const strict = makeAjv(false);
  const coercing = makeAjv('array');
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const validate = (httpPart === 'body' ? strict : coercing).compile(schema as FastifySchema & object);
    const checked = (data: unknown) => {
      const nul = nulPathOf(data);
      checked.errors =
        nul === undefined
          ? undefined
          : [
              {
                instancePath: nul,
                schemaPath: '',
                keyword: 'nul',
                params: {},
                message: '不能包含空字符 NUL (must not contain NUL)',
              },
            ];
      if (checked.errors) return false;
      const valid = validate(data);
      checked.errors = validate.errors ?? undefined;
      return valid;
    };
    checked.errors = undefined as ErrorObject[] | undefined;
    return checked;
  });
}

export function localizeValidationErrors(
  errors: FastifySchemaValidationError[],
  context: string | undefined,
  language: Language,
): { path: string; message: string }[] {
  const copies = errors.map((error) => ({ ...error, params: { ...error.params } })) as unknown as ErrorObject[];
  if (language === 'zh') localizeZh(copies);
  return copies.map((error) => {
    const params = error.params as Record<string, unknown>;
    let path = error.instancePath ?? '';
    if (typeof params.missingProperty === 'string') path += `/${params.missingProperty}`;
    if (typeof params.additionalProperty === 'string') {
      path += `/${params.additionalProperty}`;
      return { path: `${context ?? 'body'}${path}`, message: language === 'zh' ? '不允许的字段' : 'unknown field' };
    }
    return { path: `${context ?? 'body'}${path}`, message: error.message ?? 'invalid' };
  });
}
