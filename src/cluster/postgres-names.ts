// Names every part of the PostgreSQL tier shares: the database, the server's user, what a
// standby streams as and the launcher's file for a re-synced backend's remote start.

export const DATABASE = 'bazaar';
/** The file a re-synced backend's remote start leaves for the launcher (host placement). */
export const START_REQUEST = 'start-requested';
export const PG_USER = 'postgres';

/** Backend i streams under the application name `postgres<i>` (its cluster_name). */
export const STANDBY_PREFIX = 'postgres';

export function standbyName(i: number): string {
  return `${STANDBY_PREFIX}${i}`;
}
