import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/adapters/postgres/embedded.js';
import { createLogger } from '../../src/platform/logger.js';

export interface TestDatabase {
  url: string;
  stop(): Promise<void>;
}

/** A real, throwaway PostgreSQL (the embedded one) in a temporary folder, on a free port. */
export async function startTestDatabase(): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'bazaar-test-'));
  const server = await startEmbeddedPostgres(dir, createLogger('error'));
  return {
    url: server.url,
    stop: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** One statement on a connection of its own (a URL or settings): the rows. */
export async function queryOnce<T extends pg.QueryResultRow>(
  connection: string | pg.ClientConfig,
  text: string,
): Promise<T[]> {
  const client = new pg.Client(
    typeof connection === 'string' ? { connectionString: connection } : connection,
  );
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}
