import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, errorCatalog, type FieldError } from '../errors.js';
import type { Logger } from '../logger.js';
import { traceIdOf } from './request-tracing.js';

const PROBLEM_TYPE_BASE = 'https://bazaar.dev/problems/';

/** The one mapping from any thrown error to an RFC 9457 problem response. */
export function sendProblem(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  logger: Logger,
): void {
  const app = toAppError(error);
  const traceId = traceIdOf(request);
  if (app.status >= 500 && app.code !== 'unavailable') {
    logger.error({ err: error, reqId: request.id, trace_id: traceId }, 'unhandled error');
  }
  const body: Record<string, unknown> = {
    type: PROBLEM_TYPE_BASE + app.code.replace(/_/g, '-'),
    title: app.title,
    status: app.status,
    detail: app.status >= 500 && app.code !== 'unavailable' ? 'An unexpected error occurred' : app.message,
    instance: request.url.split('?')[0],
  };
  // Quoted in a report, it finds the request's lines in nginx's and the API's logs and, when
  // recorded, its trace.
  body.trace_id = traceId;
  const { errors, retryAfterSeconds, ...extra } = app.extra;
  if (errors) body.errors = errors;
  Object.assign(body, extra);
  if (retryAfterSeconds !== undefined) reply.header('Retry-After', String(retryAfterSeconds));
  void reply.code(app.status).type('application/problem+json; charset=utf-8').send(JSON.stringify(body));
}

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const fastifyError = error as FastifyError & { validation?: ValidationIssue[]; validationContext?: string };
  if (fastifyError?.validation) {
    return new AppError('validation', 'The request does not match its schema', {
      errors: fastifyError.validation.map((issue) => toFieldError(issue, fastifyError.validationContext)),
    });
  }
  switch (fastifyError?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', 'The request body is larger than the limit');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', 'Send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('bad_request', 'The body is empty; send a JSON document');
  }
  const status = fastifyError?.statusCode;
  if (status && status >= 400 && status < 500) {
    const code =
      status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'bad_request';
    const detail = error instanceof SyntaxError ? 'The body is not valid JSON' : fastifyError.message;
    return new AppError(code, detail);
  }
  return new AppError('internal');
}

function toFieldError(issue: ValidationIssue, context?: string): FieldError {
  let path = issue.instancePath ?? '';
  const missing = issue.params?.missingProperty ?? issue.params?.additionalProperty;
  if (typeof missing === 'string') path = `${path}/${missing}`;
  const where = context && context !== 'body' ? `${context}: ` : '';
  const message =
    issue.params?.additionalProperty !== undefined
      ? 'is not an allowed property'
      : (issue.message ?? 'is invalid');
  return { path: path || '/', message: where + message };
}

export { errorCatalog };
