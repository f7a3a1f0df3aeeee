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

export function installValidators(app: FastifyInstance) {
  const strict = makeAjv(false);
  const coercing = makeAjv('array');
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? strict : coercing).compile(schema as FastifySchema & object),
  );
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
