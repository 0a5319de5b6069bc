import pg from 'pg';
import type { Address } from './layout.js';
import { DATABASE, PG_USER } from './postgres-names.js';

/**
 * One statement on one server of the cluster (a PostgreSQL backend, or pgpool-II itself), on a
 * connection of its own, bounded by `timeoutMs` to connect and to answer: the launcher's way to
 * ask (status, verify, the nemesis), never the application's.
 */
export async function queryServer<T extends pg.QueryResultRow>(
  address: Address,
  text: string,
  timeoutMs = 3000,
): Promise<T[]> {
  const client = new pg.Client({
    host: address.host,
    port: address.port,
    user: PG_USER,
    database: DATABASE,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}
