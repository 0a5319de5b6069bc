import { AppError } from '../../platform/errors.js';

/** The server's error fields that node-postgres keeps (never parse the message text). */
interface PgErrorShape {
  code?: string;
  constraint?: string;
}

// Class 08 (connection), 57P0x (shutdown), 53300 (too many connections), 58 (system error), XX
// (internal error: what pgpool-II answers when a backend died under a session, e.g. "unable to
// read data from DB node 1") and 25006 (a write refused by a standby: a session that still points
// at a primary that was demoted, or a standby not yet promoted): the store is away or failing
// over, not the request wrong.
const UNAVAILABLE_CODES = /^(08|57P0|53300|58|XX|25006)/;
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

export function pgCode(error: unknown): string | undefined {
  return (error as PgErrorShape | undefined)?.code;
}

export function pgConstraint(error: unknown): string | undefined {
  return (error as PgErrorShape | undefined)?.constraint;
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  return pgCode(error) === '23505' && (constraint === undefined || pgConstraint(error) === constraint);
}

/** Serialization failures and deadlocks: the transaction was rolled back and may simply run again. */
export function isRetryableTransactionError(error: unknown): boolean {
  const code = pgCode(error);
  return code === '40001' || code === '40P01';
}

export function isConnectionError(error: unknown): boolean {
  const code = pgCode(error);
  if (code && (NETWORK_CODES.has(code) || UNAVAILABLE_CODES.test(code))) return true;
  const message = error instanceof Error ? error.message : '';
  // node-postgres raises these without a code when a socket dies, a pool cannot connect in time, or
  // an endpoint stops answering (query_timeout: a host whose link was cut).
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection to the database was lost|Query read timeout/i.test(
    message,
  );
}

/** A statement that went unanswered within its bound (node-postgres's query_timeout). */
export function isStatementTimeout(error: unknown): boolean {
  return error instanceof Error && /Query read timeout/i.test(error.message);
}

/**
 * Refused before it changed anything: a write sent to a standby (25006). Its transaction is gone
 * with the connection, so the whole unit may run again on another, whatever it was.
 */
export function isRefusedWithoutEffect(error: unknown): boolean {
  return pgCode(error) === '25006';
}

/** Anything an adapter did not translate itself: unavailability becomes 503, the rest stays a bug. */
export function translateDatabaseError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  if (isConnectionError(error) || pgCode(error) === '57014') {
    return new AppError('unavailable', 'The database is unreachable; try again shortly', {
      retryAfterSeconds: 2,
    });
  }
  // The schemas refuse U+0000 in text; a value that got past them is still the request's fault.
  if (pgCode(error) === '22021' || pgCode(error) === '22P05') {
    return new AppError('validation', 'Text must not contain the character U+0000');
  }
  if (isRetryableTransactionError(error)) {
    // Still conflicting after the retries: contention that passes, not a bad request.
    return new AppError('unavailable', 'Too much contention on the same data; try again', {
      retryAfterSeconds: 1,
    });
  }
  return error;
}
