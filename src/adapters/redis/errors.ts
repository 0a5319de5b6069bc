import { AppError } from '../../platform/errors.js';

// Replies that mean "not now" rather than "wrong": a primary that just became a replica, one still
// loading its AOF, a failover in progress, or no connection at all.
const TRANSIENT =
  /^(READONLY|LOADING|MASTERDOWN|TRYAGAIN|NOREPLICAS)|Connection is closed|Command timed out|Stream isn't writeable|connect ECONNREFUSED|ECONNRESET|MaxRetriesPerRequest|All sentinels are unreachable|Reached the max retries/i;

export function isTransientRedisError(error: unknown): boolean {
  return error instanceof Error && TRANSIENT.test(error.message);
}

export function translateRedisError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  if (isTransientRedisError(error)) {
    return new AppError('unavailable', 'The cart store is unreachable or failing over; try again shortly', {
      retryAfterSeconds: 1,
    });
  }
  return error;
}
