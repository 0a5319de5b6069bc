import { createServer } from 'node:http';
import pg from 'pg';
import { Gauge, Registry } from 'prom-client';
import { isAttached, poolNodes } from './pool-nodes.js';

export interface PgpoolExporterOptions {
  host: string;
  port: number;
  /** The pgpool-II instances it reports on (component names and addresses), and the database and user to ask them as. */
  pgpools: Array<{ name: string; address: string }>;
  database: string;
  user: string;
  /** The PostgreSQL backends, in pgpool-II's node order, with their component names. */
  backends: Array<{ name: string; address: string }>;
  /** Also compare the backends' row counts (with more than one backend). */
  compare: boolean;
}

/** How often the backends' row counts are compared: cheap, but not on every scrape. */
const COMPARE_EVERY_MS = 10_000;

function addressOf(address: string): { host: string; port: number } {
  const [host, port] = address.split(':');
  return { host: host!, port: Number(port) };
}

function client(address: string, database: string, user: string): pg.Client {
  const [host, port] = address.split(':');
  return new pg.Client({ host, port: Number(port), database, user, connectionTimeoutMillis: 2000 });
}

/**
 * `bazaar pgpool-exporter`: each pgpool-II's view of its backends as Prometheus metrics, read with
 * `SHOW POOL_NODES` at each scrape (no Debian package exports them). One process for the cluster,
 * on a host of its own: beside each pgpool-II it would take from that host's budget. With `compare`, it also
 * counts every table's rows on all backends at the same moment; a table whose counts differ in
 * two comparisons running is reported as differing (one alone is a write between the reads).
 */
export async function servePgpoolExporter(o: PgpoolExporterOptions): Promise<void> {
  const registry = new Registry();
  const nodeOf = new Map(o.backends.map((b, i) => [String(i), b.name]));
  const answered = new Gauge({
    name: 'bazaar_pgpool_up',
    help: 'By pgpool-II: 1 when it answered SHOW POOL_NODES at this scrape',
    labelNames: ['pgpool'],
    registers: [registry],
  });
  const backendUp = new Gauge({
    name: 'bazaar_pgpool_backend_up',
    help: 'By pgpool-II: 1 while it sends statements to the backend (status up or waiting), 0 once it has detached it',
    labelNames: ['pgpool', 'backend', 'role'],
    registers: [registry],
  });
  /** Asks every pgpool-II once, at each scrape, and sets both gauges from the answers. */
  const poll = async () => {
    const answers = await Promise.all(
      o.pgpools.map((pool) => poolNodes(addressOf(pool.address)).catch(() => undefined)),
    );
    backendUp.reset();
    o.pgpools.forEach((pool, i) => {
      answered.set({ pgpool: pool.name }, answers[i] ? 1 : 0);
      for (const r of answers[i] ?? [])
        backendUp.set(
          { pgpool: pool.name, backend: nodeOf.get(r.node_id) ?? `node ${r.node_id}`, role: r.role },
          isAttached(r) ? 1 : 0,
        );
    });
  };
  let differing = new Set<string>();
  let lastDifferences = new Set<string>();
  new Gauge({
    name: 'bazaar_pgpool_backends_differing_tables',
    help: 'Tables whose row counts differed across the backends in two comparisons running',
    registers: o.compare ? [registry] : [],
    collect() {
      this.set(differing.size);
    },
  });
  if (o.compare) {
    const compare = async () => {
      const now = await differencesNow(o).catch(() => undefined);
      if (now === undefined) return; // a backend away: pgpool's own state says so
      differing = new Set([...now].filter((t) => lastDifferences.has(t)));
      lastDifferences = now;
    };
    setInterval(() => void compare(), COMPARE_EVERY_MS).unref();
  }
  const server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(request.url === '/health' ? 200 : 404).end();
      return;
    }
    poll()
      .then(() => registry.metrics())
      .then(
        (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (error: Error) => response.writeHead(500).end(`${error.message}\n`),
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
}

/** The tables whose row counts differ across the backends now (read on all of them at once). */
async function differencesNow(o: PgpoolExporterOptions): Promise<Set<string>> {
  const counts = await Promise.all(
    o.backends.map(async (b) => {
      const c = client(b.address, o.database, o.user);
      await c.connect();
      try {
        const tables = (
          await c.query<{ name: string }>(
            "SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
          )
        ).rows.map((r) => r.name);
        if (tables.length === 0) return new Map<string, number>();
        const { rows } = await c.query<Record<string, number>>(
          `SELECT ${tables.map((t, i) => `(SELECT count(*)::int FROM ${t}) AS c${i}`).join(', ')}`,
        );
        return new Map(tables.map((t, i) => [t, rows[0]![`c${i}`]!]));
      } finally {
        await c.end().catch(() => undefined);
      }
    }),
  );
  const differing = new Set<string>();
  for (const [table, n] of counts[0] ?? new Map<string, number>())
    if (counts.some((m) => m.get(table) !== n)) differing.add(table);
  return differing;
}
