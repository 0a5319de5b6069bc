import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Logger } from '../../platform/logger.js';
import type { Clock } from '../../platform/clock.js';
import { BULK_STATEMENT_TIMEOUT_MS, type Database } from './database.js';
import { pgCode } from './errors.js';

// The SQL files stay beside the source; the build does not copy them, so both layouts resolve here.
const MIGRATIONS_DIR = fileURLToPath(new URL('../../../src/adapters/postgres/migrations/', import.meta.url));

const CREATE_TABLE = {
  name: 'migrations.create',
  timeoutMs: BULK_STATEMENT_TIMEOUT_MS,
  text: `CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)`,
};
// LOCK (unlike an advisory lock) goes to every backend behind pgpool-II, so concurrent starts of
// several instances apply each migration exactly once.
const LOCK = {
  name: 'migrations.lock',
  text: 'LOCK TABLE schema_migrations IN EXCLUSIVE MODE',
  // Another instance may be applying every migration meanwhile.
  timeoutMs: BULK_STATEMENT_TIMEOUT_MS,
};
const APPLIED = {
  name: 'migrations.applied',
  text: 'SELECT version FROM schema_migrations ORDER BY version',
};
const RECORD = {
  name: 'migrations.record',
  text: 'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
};

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (file) => ({
      version: Number(file.split('_')[0]),
      name: file.replace(/\.sql$/, ''),
      sql: await readFile(join(dir, file), 'utf8'),
    })),
  );
}

/** Applies the versioned SQL migrations not applied yet, each in its own transaction. */
export async function migrate(db: Database, clock: Clock, logger: Logger): Promise<number> {
  try {
    await db.query(CREATE_TABLE);
  } catch (error) {
    // Two instances creating the table at the same moment: the loser sees a duplicate type
    // (23505 or 42710, depending on where the race is lost) or table (42P07).
    if (!['23505', '42710', '42P07'].includes(pgCode(error) ?? '')) throw error;
  }
  const migrations = await loadMigrations();
  let applied = 0;
  for (const migration of migrations) {
    const done = await db.transaction(async (tx) => {
      await tx.query(LOCK);
      const versions = new Set((await tx.query<{ version: number }>(APPLIED)).rows.map((r) => r.version));
      if (versions.has(migration.version)) return false;
      // Multi-statement text must go through the simple protocol: an unnamed, unprepared query.
      await tx.query({ name: '', text: migration.sql, timeoutMs: BULK_STATEMENT_TIMEOUT_MS });
      await tx.query(RECORD, [migration.version, migration.name, clock.now()]);
      return true;
    });
    if (done) {
      applied++;
      logger.info({ migration: migration.name }, 'migration applied');
    }
  }
  return applied;
}
