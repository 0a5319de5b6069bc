import cassandra from 'cassandra-driver';
import { AppError } from '../../platform/errors.js';

const codes = cassandra.types.responseErrorCodes;

// Replies that mean "not enough replicas now" rather than "wrong request": unavailable, timeouts
// (for a write: its fate is unknown), overload, a node still starting, or no node reachable.
const TRANSIENT_CODES = new Set<number>([
  codes.unavailableException,
  codes.overloaded,
  codes.isBootstrapping,
  codes.writeTimeout,
  codes.readTimeout,
  codes.writeFailure,
  codes.readFailure,
  codes.truncateError,
]);

export function isTransientCassandraError(error: unknown): boolean {
  if (error instanceof cassandra.errors.NoHostAvailableError) return true;
  if (error instanceof cassandra.errors.OperationTimedOutError) return true;
  if (error instanceof cassandra.errors.BusyConnectionError) return true;
  // A connection to a node that just crashed: "Socket was closed" and the like.
  if (error instanceof cassandra.errors.DriverError && (error as { isSocketError?: boolean }).isSocketError)
    return true;
  if (error instanceof cassandra.errors.ResponseError) return TRANSIENT_CODES.has(error.code);
  return false;
}

export function translateCassandraError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  if (isTransientCassandraError(error)) {
    return new AppError(
      'unavailable',
      'The catalog store has too few replicas answering; try again shortly',
      {
        retryAfterSeconds: 1,
      },
    );
  }
  return error;
}

/** The store did not say whether a conditional write applied (timeout, lost connection). */
export function isUnknownOutcome(error: unknown): boolean {
  return error instanceof AppError && error.code === 'unavailable';
}
