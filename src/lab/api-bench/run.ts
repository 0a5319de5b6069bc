import { loadApiBenchSettings } from '../../config/lab-settings.js';
import { fileURLToPath } from 'node:url';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startListening, type Started } from '../../platform/processes.js';
import { scenarios, type Fixtures } from './scenarios.js';

/**
 * `npm run bench`: the API's hot operations on the embedded default against a bare Node.js server,
 * in one run on one machine, printed as ratios. Figures, not a test: nothing here passes or fails.
 */
const SETTINGS = loadApiBenchSettings();
const DURATION_S = SETTINGS.durationS;
const WARMUP_S = SETTINGS.warmupS;
const CONNECTIONS = SETTINGS.connections;
const ADMIN = { email: 'admin@bazaar.local', password: 'bench-admin-password' };
const GOALS: Record<string, number> = {
  'product.get': 0.5,
  'product.list': 0.15,
  'product.list_category': 0.15,
  'product.search': 0.1,
  'cart.put_item': 0.15,
  'order.create': 0.05,
};

const bin = fileURLToPath(new URL('../../../bin/bazaar.js', import.meta.url));
const bare = fileURLToPath(new URL('./bare-server.js', import.meta.url));

interface Figure {
  operation: string;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  requests: number;
  non2xx: number;
  errors: number;
}

async function measure(operation: string, base: string, request: autocannon.Request): Promise<Figure> {
  const options = { url: base, connections: CONNECTIONS, requests: [request] };
  await autocannon({ ...options, duration: WARMUP_S });
  const result = await autocannon({ ...options, duration: DURATION_S });
  return {
    operation,
    rps: result.requests.average,
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

async function main(): Promise<void> {
  const stateDir = SETTINGS.stateDir;
  process.stdout.write(
    `bench: ${CONNECTIONS} connections, ${WARMUP_S} s warm-up + ${DURATION_S} s per operation\n`,
  );
  process.stdout.write(
    `bench: starting the API on the embedded PostgreSQL in ${stateDir} (the first run seeds it)\n`,
  );
  const firstStartMs = await measureFirstStart();
  process.stdout.write(
    `bench: first start (empty state folder: embedded PostgreSQL, migrations, demo data) ready in ${(firstStartMs / 1000).toFixed(1)} s\n`,
  );
  const started: Started[] = [];
  try {
    const api = await startListening(
      [bin, 'serve', '--port', '0', '--instance-id', 'bench', '--log-level', 'warn'],
      { ...SETTINGS.baseEnv, BAZAAR_STATE_DIR: stateDir, BAZAAR_ADMIN_PASSWORD: ADMIN.password },
      /serving on (http:\/\/\S+)/,
    );
    started.push(api);
    const yardstick = await startListening([bare], SETTINGS.baseEnv, /listening on (http:\/\/\S+)/);
    started.push(yardstick);
    const fixtures = await prepareFixtures(api.url);

    const figures: Figure[] = [await measure('bare node', yardstick.url, { method: 'GET', path: '/' })];
    for (const [operation, request] of Object.entries(scenarios(fixtures))) {
      process.stdout.write(`bench: ${operation}\n`);
      figures.push(await measure(operation, api.url, request));
    }
    report(figures);
    await mkdir('reports', { recursive: true });
    await writeFile(
      'reports/api-bench.json',
      JSON.stringify(
        { connections: CONNECTIONS, duration_s: DURATION_S, first_start_ms: firstStartMs, figures },
        null,
        2,
      ),
    );
    process.stdout.write('bench: figures written to reports/api-bench.json\n');
  } finally {
    for (const process of started.reverse()) await process.stop();
  }
}

/** What a new user waits for on `npm start`: from launch to serving, on a state folder of its own. */
async function measureFirstStart(): Promise<number> {
  const stateDir = await mkdtemp(join(tmpdir(), 'bazaar-first-start-'));
  const begun = Date.now();
  try {
    const api = await startListening(
      [bin, 'serve', '--port', '0', '--instance-id', 'first-start', '--log-level', 'warn'],
      { ...SETTINGS.baseEnv, BAZAAR_STATE_DIR: stateDir, BAZAAR_ADMIN_PASSWORD: ADMIN.password },
      /serving on (http:\/\/\S+)/,
    );
    const readyMs = Date.now() - begun;
    await api.stop();
    return readyMs;
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}

async function prepareFixtures(base: string): Promise<Fixtures> {
  const json = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(base + path, {
      ...init,
      headers: { 'content-type': 'application/json', ...init.headers },
    });
    if (!response.ok)
      throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const login = (email: string, password: string) =>
    json('/api/v1/auth/token', { method: 'POST', body: JSON.stringify({ email, password }) });
  const adminToken = (await login(ADMIN.email, ADMIN.password)).token as string;
  const productIds: string[] = [];
  const categories = new Set<string>();
  for (let page = 1; page <= 20; page++) {
    for (const p of (await json(`/api/v1/products?limit=100&page=${page}&sort=name`)).items as Array<{
      id: string;
      category: string;
    }>) {
      productIds.push(p.id);
      categories.add(p.category);
    }
  }
  const customers = [];
  for (let n = 1; n <= CONNECTIONS; n++) {
    const session = await login(`customer${n}@bazaar.local`, 'shopaholic');
    const customer = { id: session.user.id as string, token: session.token as string, index: n };
    // Every run starts from empty carts, as a shopper's session does; earlier runs left theirs full.
    await fetch(`${base}/api/v1/users/${customer.id}/cart`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${customer.token}` },
    });
    customers.push(customer);
  }
  // Orders draw from products with stock enough for any run, so that every checkout can succeed.
  const orderable = productIds.slice(0, 200);
  for (const id of orderable) {
    await json(`/api/v1/products/${id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ stock: 1_000_000 }),
    });
  }
  return { productIds, categories: [...categories], orderable, customers };
}

function report(figures: Figure[]): void {
  const bareRps = figures[0]!.rps;
  const rows = figures.map((f) => {
    const ratio = f.rps / bareRps;
    const goal = GOALS[f.operation];
    return [
      f.operation,
      f.rps.toFixed(0),
      f.p50_ms.toFixed(1),
      f.p99_ms.toFixed(1),
      ratio.toFixed(3),
      goal === undefined ? '' : `>= ${goal} ${ratio >= goal ? 'met' : 'missed'}`,
      String(f.non2xx + f.errors),
    ];
  });
  const header = ['operation', 'req/s', 'p50 ms', 'p99 ms', 'ratio', 'goal', 'failed'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  process.stdout.write(
    `\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exit(1);
});
