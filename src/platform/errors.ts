/**
 * The one error model of the application. Services throw AppError with a code from the catalog;
 * the HTTP layer maps it to a status and an RFC 9457 problem document in one place.
 */
export const errorCatalog = {
  validation: { status: 400, title: 'Invalid request' },
  bad_request: { status: 400, title: 'Bad request' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  invalid_credentials: { status: 401, title: 'Invalid credentials' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict' },
  duplicate: { status: 409, title: 'Already exists' },
  insufficient_stock: { status: 409, title: 'Insufficient stock' },
  invalid_transition: { status: 409, title: 'Invalid order status transition' },
  idempotency_mismatch: { status: 409, title: 'Idempotency-Key reused with a different request' },
  precondition_failed: { status: 412, title: 'Precondition failed' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  too_many_requests: { status: 429, title: 'Too many requests' },
  unavailable: { status: 503, title: 'Service unavailable' },
  internal: { status: 500, title: 'Internal server error' },
} as const;

export type ErrorCode = keyof typeof errorCatalog;

export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  readonly title: string;

  constructor(
    readonly code: ErrorCode,
    detail?: string,
    readonly extra: { errors?: FieldError[]; retryAfterSeconds?: number; [key: string]: unknown } = {},
  ) {
    super(detail ?? errorCatalog[code].title);
    this.name = 'AppError';
    this.status = errorCatalog[code].status;
    this.title = errorCatalog[code].title;
  }
}

export const notFound = (what: string): AppError => new AppError('not_found', `${what} not found`);
export const forbidden = (detail = 'You are not allowed to do this'): AppError =>
  new AppError('forbidden', detail);

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
