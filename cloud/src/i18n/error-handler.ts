import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';
import { type Language, pickLanguage } from './language.js';
import { LocalizedError } from './localized-error.js';
import { renderMessage } from './messages.js';

type ValidationIssue = NonNullable<FastifyError['validation']>[number];

const fieldOf = (issue: ValidationIssue): string => {
  const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const missing = (issue.params as { missingProperty?: string }).missingProperty;
  return [path, missing].filter(Boolean).join('.') || '(root)';
};

/**
 * Ajv stops at the first error, so "missing title" would hide "missing category". For a missing or
 * empty required field we list every required field of the route's schema the payload lacks.
 */
function missingFields(request: FastifyRequest, context: string, issue: ValidationIssue): string[] {
  const schema = (request.routeOptions.schema as Record<string, unknown> | undefined)?.[context] as
    | { required?: string[] }
    | undefined;
  const source = (context === 'querystring' ? request.query : request.body) as
    | Record<string, unknown>
    | undefined
    | null;
  const lacking = (schema?.required ?? []).filter((key) => {
    const value = source?.[key];
    return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
  });
  return lacking.length > 0 ? lacking : [fieldOf(issue)];
}

function validationRefusal(err: FastifyError, request: FastifyRequest): LocalizedError {
  const issue = err.validation![0]!;
  const context = err.validationContext ?? 'body';
  const emptyString = issue.keyword === 'minLength' && (issue.params as { limit?: number }).limit === 1;
  // No body at all: every required field is missing.
  const noBody =
    issue.keyword === 'type' && issue.instancePath === '' && context === 'body' && request.body == null;
  if (issue.keyword === 'required' || emptyString || noBody) {
    const fields = missingFields(request, context, issue);
    return new LocalizedError(400, 'missing_fields', { fields }, { fields, in: context });
  }
  const field = fieldOf(issue);
  const allowed = (issue.params as { allowedValues?: unknown[] }).allowedValues;
  return new LocalizedError(
    400,
    'invalid_field',
    { field, allowed, detail: issue.message },
    { field, in: context, ...(allowed && { allowed }) },
  );
}

function localize(err: FastifyError | ApiError, request: FastifyRequest): LocalizedError | undefined {
  if (err instanceof LocalizedError) return err;
  if ('validation' in err && err.validation?.length) return validationRefusal(err, request);
  if (err instanceof ApiError && (err.code === 'unauthenticated' || err.code === 'forbidden')) {
    return new LocalizedError(err.statusCode, err.code, { original: err.message });
  }
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    const maxMb = Math.round(((request.routeOptions.bodyLimit ?? 0) / 2 ** 20) * 10) / 10;
    const photo = request.routeOptions.url?.endsWith('/photos') === true;
    return new LocalizedError(413, photo ? 'photo_too_large' : 'body_too_large', { maxMb });
  }
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return new LocalizedError(400, 'invalid_json');
  }
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new LocalizedError(415, 'unsupported_media_type', { type: request.headers['content-type'] });
  }
  return undefined;
}

/**
 * Error handler of the governance routes (Fastify error handlers are encapsulated, so it applies to
 * these plugins only): same body shape as the global one, `{ error, message }`, plus `details`
 * where a client can act on them; the message in the request's language (Accept-Language,
 * default zh-CN). 5xx details stay in the log.
 */
export function installLocalizedErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ApiError, request: FastifyRequest, reply: FastifyReply) => {
    const lang: Language = pickLanguage(request.headers['accept-language']);
    reply.header('content-language', lang);
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err }, 'request failed');
      return reply
        .status(status)
        .send({ error: 'internal_error', message: renderMessage('internal_error', lang) });
    }
    const localized = localize(err, request);
    if (localized) {
      return reply.status(localized.statusCode).send({
        error: localized.code,
        message: renderMessage(localized.code, lang, localized.params),
        ...(localized.details && { details: localized.details }),
      });
    }
    const code = err instanceof ApiError ? err.code : (err.code ?? 'bad_request');
    return reply.status(status).send({ error: code, message: err.message });
  });
}
