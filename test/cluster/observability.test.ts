import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { prometheusRules } from '../../src/cluster/observability.js';
import { run } from '../../src/platform/processes.js';
import { bazaar, bazaarOk } from '../support/cli.js';
import { Client } from '../support/http.js';
import { newCustomer, newProduct } from '../support/app.js';
import { panelsFor } from '../../src/cluster/dashboards.js';
import { DASHBOARDS, KINDS } from '../../src/cluster/registry.js';
import { ensureChromium, headless } from '../support/chromium.js';
import type { Topology } from '../../src/cluster/layout.js';
import { OtlpCollector } from '../support/otlp-collector.js';
import { randomBytes } from 'node:crypto';

// Prometheus and Alertmanager over a small cluster: every target scraped, a crashed API instance
// alerted on and resolved once it is back, a stopped one no longer scraped (and not alerted on).
const BASE_PORT = Number(process.env.BAZAAR_TEST_BASE_PORT ?? 23000) + 7000;
let dir: string;
let prometheus: string;
const cli = (...args: string[]) => bazaarOk(['cluster', ...args, '--dir', dir]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Status {
  components: Array<{ name: string; kind: string; address: string; state: string }>;
}
interface Target {
  labels: Record<string, string>;
  health: string;
}
interface Alert {
  status: string;
  alertname: string;
  component: string;
}

async function targets(): Promise<Target[]> {
  const body = (await (await fetch(`${prometheus}/api/v1/targets?state=active`)).json()) as {
    data: { activeTargets: Target[] };
  };
  return body.data.activeTargets;
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe().catch(() => undefined);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(500);
  }
}

const collector = new OtlpCollector();
const alerts = async (): Promise<Alert[]> => JSON.parse(await cli('alerts', '--json')) as Alert[];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bazaar-cluster-observability-'));
  const otlp = await collector.listen('127.0.0.1', BASE_PORT + 900);
  await cli(
    'up',
    '--pg',
    '2',
    '--pgpool',
    '1',
    '--api',
    '2',
    '--nginx',
    '1',
    '--cassandra',
    '1',
    '--kafka',
    '1',
    '--observability',
    '--trace-sample',
    '0.05',
    '--otlp-endpoint',
    otlp,
    '--base-port',
    String(BASE_PORT),
    '--seed-products',
    '50',
    '--seed-users',
    '5',
  );
  const status = JSON.parse(await cli('status', '--json')) as Status;
  prometheus = `http://${status.components.find((c) => c.name === 'prometheus:0')!.address}`;
});
after(async () => {
  await bazaar(['cluster', 'down', '--dir', dir]);
  await collector.close();
  if (!process.env.BAZAAR_TEST_KEEP) await rm(dir, { recursive: true, force: true });
});

test('up --observability: Prometheus scrapes every API instance, the exporters, Alertmanager and itself', async () => {
  const up = await until('every target up', 30_000, async () => {
    const all = await targets();
    return all.length > 0 && all.every((t) => t.health === 'up') ? all : undefined;
  });
  assert.deepEqual(up.map((t) => t.labels.component).sort(), [
    'alertmanager:0',
    'api:0',
    'api:1',
    // Cassandra and Kafka through the JMX exporter agent inside their JVMs.
    'cassandra:0',
    'kafka:0',
    'nginx-exporter:0',
    'node-exporter:0',
    'notifier:0',
    'pgpool-exporter:0',
    'postgres-exporter:0',
    'postgres-exporter:1',
    'prometheus:0',
  ]);
  assert.deepEqual(await alerts(), []);
});

test('after traffic, every dashboard panel query returns series, and each console page loads every asset (200), shows its time controls once and draws its graphs', async (t) => {
  const state = JSON.parse(await readFile(join(dir, 'cluster.json'), 'utf8'));
  const topology = state.topology as Topology;
  const status = JSON.parse(await cli('status', '--json')) as Status & { entrypoints: string[] };
  const api = new Client(status.entrypoints[0]!);
  const admin = (
    await api.post('/api/v1/auth/token', {
      body: { email: 'admin@bazaar.local', password: state.adminPassword },
    })
  ).body.token;
  const product = await newProduct(api, admin, { stock: 100 });
  const shopper = await newCustomer(api);
  for (let n = 0; n < 5; n++) {
    await api.get(`/api/v1/products/${product.id}`);
    await api.get('/api/v1/products?limit=5');
    const order = await api.post('/api/v1/orders', {
      token: shopper.token,
      headers: { 'idempotency-key': `dash-${n}` },
      body: { items: [{ product_id: product.id, quantity: 1 }] },
    });
    assert.equal(order.status, 201);
    await api.patch(`/api/v1/orders/${order.body.id}`, { token: shopper.token, body: { status: 'paid' } });
  }
  let panels = 0;
  for (const dashboard of DASHBOARDS) {
    for (const panel of panelsFor(topology, dashboard)) {
      await until(`"${panel.title}" (${panel.expr}) returns series`, 40_000, async () => {
        const reply = (await (
          await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(panel.expr)}`)
        ).json()) as { status: string; data: { result: unknown[] } };
        assert.equal(reply.status, 'success', panel.expr);
        return reply.data.result.length > 0 ? true : undefined;
      });
      panels++;
    }
    const page = await fetch(`${prometheus}/consoles/${dashboard.name}.html`);
    const html = await page.text();
    assert.equal(page.status, 200, html.slice(0, 300));
    for (const panel of panelsFor(topology, dashboard)) assert.ok(html.includes(panel.title), panel.title);
    assert.equal(html.split('id="prom_graph_duration"').length - 1, 1, 'the time controls, once');
    for (const asset of pageAssets(html)) {
      const answer = await fetch(new URL(asset, prometheus));
      await answer.arrayBuffer();
      assert.equal(answer.status, 200, `${dashboard.name}.html loads ${asset}`);
    }
  }
  // The page as a browser shows it: every graph drawn from the live data.
  const browser = await ensureChromium();
  const dom = await headless(browser, ['--dump-dom'], `${prometheus}/consoles/store.html`);
  const store = panelsFor(
    topology,
    DASHBOARDS.find((d) => d.name === 'store')!,
  );
  // Each graph's own stretch of the page: from its node to the next panel's heading.
  const stretches = dom
    .split(/id="panel\d+"/)
    .slice(1)
    .map((part) => part.split('<h3>')[0]!);
  const drawn = store.filter((_, i) => /<svg/.test(stretches[i] ?? ''));
  assert.equal(drawn.length, store.length, `graphs drawn: ${drawn.map((p) => p.title).join(', ')}`);
  t.diagnostic(`${panels} panels answered`);
});

/** The scripts and stylesheets a page loads from its own server. */
function pageAssets(html: string): string[] {
  const found = [...html.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1]!);
  assert.ok(found.length > 0, 'the page loads assets');
  return [...new Set(found)];
}

/** The lines of a component's log file that mention a text (files are flushed every second). */
async function linesWith(file: string, text: string): Promise<string[] | undefined> {
  const lines = (await readFile(join(dir, file), 'utf8')).split('\n').filter((l) => l.includes(text));
  return lines.length > 0 ? lines : undefined;
}

test("a traced request through nginx: one trace id in nginx's log, the API's log and the exported spans", async () => {
  const status = JSON.parse(await cli('status', '--json')) as Status & { entrypoints: string[] };
  const traceId = randomBytes(16).toString('hex');
  const parent = randomBytes(8).toString('hex');
  const reply = await fetch(`${status.entrypoints[0]}/api/v1/products?limit=2`, {
    headers: { traceparent: `00-${traceId}-${parent}-01` },
  });
  assert.equal(reply.status, 200);
  const requestId = reply.headers.get('x-request-id')!;
  const served = reply.headers.get('x-served-by')!;
  const nginx = await until("the request in nginx:0's log", 10_000, () =>
    linesWith('nginx-0/access.log', `rid=${requestId}`),
  );
  assert.match(nginx[0]!, new RegExp(`trace=${traceId}`));
  const api = await until(`the request in ${served}'s log`, 10_000, () =>
    linesWith(`${served.replace(':', '-')}/api.log`, requestId),
  );
  const line = JSON.parse(api[0]!) as Record<string, unknown>;
  assert.equal(line.trace_id, traceId);
  assert.equal(line.instance, served);
  const spans = await until('its spans exported', 15_000, async () => {
    const found = collector.trace(traceId);
    return found.some((s) => s.name.startsWith('postgres ')) ? found : undefined;
  });
  const server = spans.find((s) => s.parentSpanId === parent);
  assert.ok(server, `a server span under nginx's parent: ${spans.map((s) => s.name).join(', ')}`);
  assert.equal(server.service, served);
  const store = spans.filter((s) => s.name.startsWith('postgres '));
  // Every store span hangs from a span of the same trace.
  for (const s of store)
    assert.ok(
      spans.some((p) => p.spanId === s.parentSpanId),
      s.name,
    );
});

test('without a traceparent nginx starts the trace: its id is in the problem document and in its log', async () => {
  const status = JSON.parse(await cli('status', '--json')) as Status & { entrypoints: string[] };
  const reply = await fetch(`${status.entrypoints[0]}/api/v1/products/not-a-uuid`);
  assert.equal(reply.status, 400);
  const problem = (await reply.json()) as { trace_id?: string };
  assert.match(problem.trace_id ?? '', /^[0-9a-f]{32}$/);
  const requestId = reply.headers.get('x-request-id')!;
  const nginx = await until("the request in nginx:0's log", 10_000, () =>
    linesWith('nginx-0/access.log', `rid=${requestId}`),
  );
  assert.match(nginx[0]!, new RegExp(`trace=${problem.trace_id}`));
});

test('kill api:0: InstanceDown fires for it, and resolves once it is started again', async (t) => {
  const killed = Date.now();
  await cli('kill', 'api:0');
  await until('InstanceDown firing for api:0', 60_000, async () =>
    (await alerts()).find(
      (a) => a.alertname === 'InstanceDown' && a.component === 'api:0' && a.status === 'firing',
    ),
  );
  const fired = Date.now();
  await cli('start', 'api:0');
  const started = Date.now();
  await until('InstanceDown resolved for api:0', 90_000, async () =>
    (await alerts()).find(
      (a) => a.alertname === 'InstanceDown' && a.component === 'api:0' && a.status === 'resolved',
    ),
  );
  t.diagnostic(
    `kill → alert received ${((fired - killed) / 1000).toFixed(1)} s; start → resolved received ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  assert.ok(!(await alerts()).some((a) => a.status === 'firing'), 'nothing else fires');
});

test('kill postgres:1: pgpool-II detaches it and BackendDetached fires for it; start re-syncs it and it resolves', async (t) => {
  const killed = Date.now();
  await cli('kill', 'postgres:1');
  await until('BackendDetached firing for postgres:1', 60_000, async () =>
    (await alerts()).find(
      (a) => a.alertname === 'BackendDetached' && a.component === 'postgres:1' && a.status === 'firing',
    ),
  );
  const fired = Date.now();
  await cli('start', 'postgres:1');
  await until('BackendDetached resolved for postgres:1', 90_000, async () =>
    (await alerts()).find(
      (a) => a.alertname === 'BackendDetached' && a.component === 'postgres:1' && a.status === 'resolved',
    ),
  );
  t.diagnostic(`kill postgres:1 → BackendDetached received ${((fired - killed) / 1000).toFixed(1)} s`);
  await until('nothing firing', 30_000, async () =>
    (await alerts()).some((a) => a.status === 'firing') ? undefined : true,
  );
});

test('every alert rule of a full topology passes promtool', async () => {
  const rules = join(dir, 'full-rules.yml');
  await writeFile(
    rules,
    prometheusRules(
      {
        counts: { postgres: 3, pgpool: 2, api: 2, nginx: 2, redis: 3, cassandra: 3, kafka: 3 },
        mode: 'native',
        basePort: 20000,
        dir,
        seedProducts: 0,
      },
      KINDS,
    ),
  );
  const checked = await run('promtool', ['check', 'rules', rules]);
  assert.match(checked, /SUCCESS: \d+ rules found/);
});

test('stop api:1: no longer scraped and not alerted on; start: scraped again', async () => {
  await cli('stop', 'api:1');
  await until('api:1 gone from the targets', 20_000, async () =>
    (await targets()).some((t) => t.labels.component === 'api:1') ? undefined : true,
  );
  await sleep(10_000); // longer than InstanceDown's 6 s
  assert.ok(!(await alerts()).some((a) => a.component === 'api:1'), 'a stop on purpose is not an incident');
  await cli('start', 'api:1');
  await until('api:1 scraped and up again', 30_000, async () =>
    (await targets()).some((t) => t.labels.component === 'api:1' && t.health === 'up') ? true : undefined,
  );
});
