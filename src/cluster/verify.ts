import pg from 'pg';
import { type Address, type Topology, countOf } from './layout.js';
import { at } from './addresses.js';
import { DATABASE, PG_USER } from './postgres-backend.js';

export interface TableDigest {
  table: string;
  rows: number;
  checksum: string;
}

export interface BackendComparison {
  ok: boolean;
  backends: Array<{ name: string; tables: TableDigest[] } | { name: string; error: string }>;
  differences: string[];
}

/** Row count and an order-independent content checksum of every table on one backend. */
async function digest(address: Address): Promise<TableDigest[]> {
  const client = new pg.Client({
    host: address.host,
    port: address.port,
    user: PG_USER,
    database: DATABASE,
    connectionTimeoutMillis: 3000,
  });
  await client.connect();
  try {
    const tables = (
      await client.query<{ name: string }>(
        `SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
      )
    ).rows.map((r) => r.name);
    const digests: TableDigest[] = [];
    for (const table of tables) {
      const { rows } = await client.query<{ n: number; sum: string }>(
        `SELECT count(*)::int AS n, md5(coalesce(string_agg(x, E'\\n' ORDER BY x), '')) AS sum
         FROM (SELECT t::text AS x FROM ${table} t) s`,
      );
      digests.push({ table, rows: rows[0]!.n, checksum: rows[0]!.sum });
    }
    return digests;
  } finally {
    await client.end();
  }
}

/**
 * Compares every table across the PostgreSQL backends. Backends are read one after the other, and
 * writes go on after the traffic stops (the order-event relay and the notifier work through what
 * is left; standbys in streaming mode trail the primary by a moment), so a difference is looked at
 * again until the writes settle, for up to 30 s, before it counts.
 */
export async function verifyBackends(t: Topology, settleMs = 30_000): Promise<BackendComparison> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    const result = await compareOnce(t);
    if (result.ok || Date.now() >= deadline) return result;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function compareOnce(t: Topology): Promise<BackendComparison> {
  const backends: BackendComparison['backends'] = [];
  for (let i = 0; i < countOf(t, 'postgres'); i++) {
    try {
      backends.push({ name: `postgres:${i}`, tables: await digest(at(t, 'postgres', i)) });
    } catch (error) {
      backends.push({ name: `postgres:${i}`, error: (error as Error).message });
    }
  }
  const differences: string[] = [];
  const reference = backends.find((b): b is { name: string; tables: TableDigest[] } => 'tables' in b);
  for (const backend of backends) {
    if ('error' in backend) {
      differences.push(`${backend.name}: unreachable (${backend.error})`);
      continue;
    }
    if (!reference || backend === reference) continue;
    const theirs = new Map(backend.tables.map((d) => [d.table, d]));
    for (const mine of reference.tables) {
      const other = theirs.get(mine.table);
      if (!other) differences.push(`${backend.name}: table ${mine.table} missing`);
      else if (other.rows !== mine.rows)
        differences.push(
          `${mine.table}: ${reference.name} has ${mine.rows} rows, ${backend.name} ${other.rows}`,
        );
      else if (other.checksum !== mine.checksum)
        differences.push(
          `${mine.table}: same ${mine.rows} rows but different content on ${reference.name} and ${backend.name}`,
        );
    }
  }
  return { ok: differences.length === 0, backends, differences };
}
