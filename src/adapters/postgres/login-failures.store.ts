import { newId } from '../../platform/ids.js';
import type { LoginFailureStore } from '../../modules/users/index.js';
import { onPrimary, type Database } from './database.js';

const WINDOW_KEEP_MS = 10 * 60_000;

const SQL = {
  since: {
    name: 'login_failures.since',
    text: onPrimary(
      'SELECT count(*)::int AS count, min(at) AS oldest FROM login_failures WHERE key = $1 AND at >= $2',
    ),
  },
  record: {
    name: 'login_failures.record',
    // Old rows of the same key go in the same statement, so the table stays small.
    text: `WITH pruned AS (DELETE FROM login_failures WHERE key = $1 AND at < $4)
           INSERT INTO login_failures (key, at, id) VALUES ($1, $2, $3)`,
  },
  clear: { name: 'login_failures.clear', text: 'DELETE FROM login_failures WHERE key = $1' },
};

export class PostgresLoginFailureStore implements LoginFailureStore {
  constructor(private readonly db: Database) {}

  async failuresSince(key: string, since: Date): Promise<{ count: number; oldest: Date | null }> {
    const { rows } = await this.db.query<{ count: number; oldest: Date | null }>(SQL.since, [key, since]);
    return rows[0] ?? { count: 0, oldest: null };
  }

  async recordFailure(key: string, at: Date): Promise<void> {
    await this.db.query(SQL.record, [key, at, newId(), new Date(at.getTime() - WINDOW_KEEP_MS)]);
  }

  async clear(key: string): Promise<void> {
    await this.db.query(SQL.clear, [key]);
  }
}
