import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  entityName,
  type Language,
  languageOf,
  type MessageKey,
  type MessageParams,
  statusTitle,
  translate,
} from './messages.ts';
import { localizeValidationErrors } from './validation.ts';

export interface FieldError {
  path: string;
  message: string;
  /** For a spreadsheet import: the row number and column header the message is about. */
  row?: number;
  column?: string;
}

/** A field error whose message is translated when the problem is answered, in the caller's language. */
export interface FieldProblem {
  path: string;
  key: MessageKey;
  params?: MessageParams;
  row?: number;
  column?: string;
}

function localizeFieldError(error: FieldError | FieldProblem, language: Language): FieldError {
  if (!('key' in error)) return error;
  const { key, params, ...rest } = error;
  return { ...rest, message: translate(key, language, params) };
}

/** An error meant for the person using the API: a status, a message key and its parameters. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly key: MessageKey,
    readonly params: MessageParams = {},
    readonly errors?: (FieldError | FieldProblem)[],
  ) {
    super(key);
  }
}

export const notFound = (entity: string, id?: string) => new AppError(404, 'not_found', { entity, id: id ?? '' });

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
  instance?: string;
}

export function problemOf(error: AppError, language: Language): Problem {
  const params = { ...error.params };
  if (typeof params.entity === 'string') params.entity = entityName(params.entity, language);
  return {
    type: `https://assetpay.dev/problems/${error.key.replaceAll('_', '-')}`,
    title: statusTitle(error.status, language),
    status: error.status,
    detail: translate(error.key, language, params),
    code: error.key,
    ...(error.errors ? { errors: error.errors.map((item) => localizeFieldError(item, language)) } : {}),
  };
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError) {
  const problem = { ...problemOf(error, languageOf(request.headers['accept-language'])), instance: request.url };
  return reply.status(error.status).type('application/problem+json; charset=utf-8').send(problem);
}

/** Maps what Fastify and its plugins throw onto the AppError a person can act on. */
function toAppError(error: FastifyError, request: FastifyRequest, bodyLimit: number): AppError | null {
  if (error instanceof AppError) return error;
  const language = languageOf(request.headers['accept-language']);
  if (error.validation) {
    return new AppError(
      400,
      'validation_failed',
      {},
      localizeValidationErrors(error.validation, error.validationContext, language),
    );
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError(400, 'malformed_json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError(400, 'empty_body');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(413, 'body_too_large', { limit: bodyLimit });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError(415, 'unsupported_media_type', { type: request.headers['content-type'] ?? '-' });
  }
  if (error instanceof SyntaxError && error.statusCode === 400) {
    return new AppError(400, 'malformed_json');
  }
  if (error.statusCode === 429) return new AppError(429, 'too_many_requests', { after: error.message });
  return null;
}

export function installProblemHandlers(app: FastifyInstance, bodyLimit: number) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = toAppError(error, request, bodyLimit);
    if (known) return sendProblem(request, reply, known);
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      request.log.warn({ err: error }, 'client error');
      return sendProblem(
        request,
        reply,
        new AppError(error.statusCode, 'validation_failed', {}, [{ path: '', message: error.message }]),
      );
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(request, reply, new AppError(500, 'internal', { requestId: request.id }));
  });
}
