/**
 * Time comes from the application, never from the database: writes must be deterministic so that
 * statement replication gives every backend the same rows.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
