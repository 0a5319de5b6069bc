import pg from 'pg';
import type { Address } from './layout.js';
import { DATABASE, PG_USER } from './postgres-names.js';

/** One row of pgpool-II's `SHOW POOL_NODES`: its view of a backend. */
export interface PoolNode {
  node_id: string;
  /** up, waiting (attached), down (detached), unused. */
  status: string;
  /** primary/standby in streaming replication, main/replica in native replication. */
  role: string;
}

/** pgpool-II's view of every backend; an error when it does not answer within `timeoutMs`. */
export async function poolNodes(
  address: Address,
  options: { user?: string; database?: string; timeoutMs?: number } = {},
): Promise<PoolNode[]> {
  const client = new pg.Client({
    host: address.host,
    port: address.port,
    user: options.user ?? PG_USER,
    database: options.database ?? DATABASE,
    connectionTimeoutMillis: options.timeoutMs ?? 3000,
    query_timeout: options.timeoutMs ?? 3000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.query<PoolNode>('SHOW POOL_NODES')).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether pgpool-II sends statements to the backend (`waiting`: attached, no session yet). */
export function isAttached(node: PoolNode): boolean {
  return node.status === 'up' || node.status === 'waiting';
}
