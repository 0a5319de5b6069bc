import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bazaar, type CliResult } from '../support/cli.js';
import { ensureChromium, headless } from '../support/chromium.js';
import type { BenchResults } from '../../src/lab/report/bench-results.js';
import { routeKey, type OperationName } from '../../src/lab/load/operations.js';

// `bazaar bench --quick`: four real clusters a few seconds each (api 1 in two sessions, api 2, and
// api 1 again as an entry of its own: the A/A check's small form), and the report opened in
// headless Chromium. Cassandra and Kafka in a bench are left to the default matrix's storage stages
// (the stores and events suites test them in a cluster).
const BASE_PORT = Number(process.env.BAZAAR_TEST_BASE_PORT ?? 23000) + 2000;
let dir: string;
let run: CliResult;
let results: BenchResults;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bazaar-bench-'));
  run = await bazaar([
    'bench',
    '--quick',
    '--out',
    join(dir, 'report'),
    '--work-dir',
    join(dir, 'work'),
    '--base-port',
    String(BASE_PORT),
  ]);
  assert.equal(run.code, 0, run.stderr);
  results = JSON.parse(await readFile(join(dir, 'report', 'results.json'), 'utf8')) as BenchResults;
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('every configuration ran end to end, the baseline in two sessions of its own', () => {
  const byId = Object.fromEntries(results.runs.map((r) => [r.configuration.id, r]));
  assert.deepEqual(Object.keys(byId), [
    'pg1-pgpool1-api1-nginx1',
    'pg1-pgpool1-api2-nginx1',
    'pg1-pgpool1-api1-nginx1-again',
  ]);
  // The baseline's second session ran last, as a cluster of its own.
  assert.deepEqual(
    results.baseline_repeats.map((r) => [r.configuration.id, r.baseline_session]),
    [['pg1-pgpool1-api1-nginx1', 2]],
  );
  for (const r of [...results.runs, ...results.baseline_repeats]) {
    assert.equal(r.status, 'ok', r.note);
    assert.equal(r.verify?.ok, true, 'cluster verify after the load');
    assert.ok(r.seconds.up! > 0 && r.seconds.down! >= 0);
    const load = r.load!;
    assert.equal(load.tool, 'bazaar load');
    assert.equal(load.duration_s, 3);
    // Each model measured `repeats` times within the one cluster; one open rate for all.
    assert.equal(r.closed!.length, 2);
    assert.equal(r.open!.length, 2);
    assert.ok(r.open!.every((o) => o.model.type === 'open' && o.model.arrival_per_s === r.arrival_per_s));
    assert.ok(r.closed!.every((o) => o.model.type === 'closed' && o.totals.count > 0));
    assert.equal(r.arrival_per_s, results.runs[0]!.arrival_per_s);
    assert.equal(r.placement, results.placement.used);
    if (r.placement === 'hosts') {
      assert.ok(r.hosts!['api']!.cpu > 0 && r.hosts!['client']!.cpu > 0);
      // How much of the saturation runs each of the store's tiers spent held at its quota.
      const held = r.throttled_at_saturation!;
      assert.deepEqual(
        Object.keys(held).sort(),
        ['api', 'nginx', 'pgpool', 'postgres'],
        JSON.stringify(held),
      );
      assert.ok(
        Object.values(held).every((pct) => pct >= 0 && pct <= 100),
        JSON.stringify(held),
      );
    }
    for (const key of [
      'started_at',
      'targets',
      'model',
      'operations',
      'totals',
      'errors_by_status',
      'per_target',
      'sessions',
    ])
      assert.ok(key in load, key);
    assert.ok(load.totals.count > 0 && load.totals.errors === 0, JSON.stringify(load.errors_by_status));
    // What the API instances counted in /metrics is exactly what the client sent, route by route.
    assert.ok(Object.keys(r.server_counts!.server).length >= 8);
    assert.deepEqual(r.server_counts!.server, r.server_counts!.client);
    // Every order status change became a notification, in process or through Kafka, with its delay.
    const n = r.notifications!;
    assert.ok(
      n.events > 0 && n.p50_ms >= 0 && n.p99_ms >= n.p50_ms && n.max_ms >= n.p99_ms,
      JSON.stringify(n),
    );
  }
  // On hosts the client's own ceiling is measured under its quota, for the headroom column.
  if (results.placement.used === 'hosts') {
    const capacity = results.client_capacity!;
    assert.ok(capacity.rps > 0 && capacity.errors === 0, JSON.stringify(capacity));
    assert.equal(capacity.client?.cores, results.runs[0]!.hosts!['client']!.cpu);
  }
  assert.doesNotMatch(run.stderr, /skipped/);
});

test('the A/A check: the baseline measured again as an entry of its own names no difference against its two sessions', async () => {
  const again = results.changes.find((c) => c.configuration === 'pg1-pgpool1-api1-nginx1-again')!;
  const figures = again.differences.map((d) => d.figure);
  assert.deepEqual(figures.slice(0, 3), ['saturation', 'reads', 'writes']);
  assert.ok(figures.length > 8, 'every operation compared too');
  for (const d of again.differences) {
    assert.ok(d.low_pct <= d.change_pct && d.change_pct <= d.high_pct, JSON.stringify(d));
    assert.equal(d.shown, false, `${d.figure}: ${JSON.stringify(d)}`);
  }
  assert.match(again.verdict, /^saturation: no difference shown \(/);
  assert.doesNotMatch(again.verdict, /slower|faster|higher|lower/);
  const html = await readFile(join(dir, 'report', 'index.html'), 'utf8');
  assert.match(html, /measured in 2 sessions/);
  assert.match(html, /baseline session/);
});

test('every report file is written, each chart as SVG and PNG', async () => {
  const report = join(dir, 'report');
  for (const file of ['results.json', 'results.csv', 'index.html'])
    assert.ok(existsSync(join(report, file)), file);
  const charts = [
    'mean-api-instances',
    'saturation-api-instances',
    'reads-writes-api-instances',
    'mean-a-a',
    'saturation-a-a',
    'reads-writes-a-a',
    'p95-by-configuration',
    'p99-by-configuration',
    'throughput-and-errors',
    'reads-vs-writes',
    'change-vs-baseline',
  ];
  for (const name of charts) {
    const svg = await readFile(join(report, 'charts', `${name}.svg`), 'utf8');
    assert.match(svg, /^<svg /, name);
    const png = await readFile(join(report, 'charts', `${name}.png`));
    assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')], `${name}.png is a PNG`);
  }
  const csv = (await readFile(join(report, 'results.csv'), 'utf8')).trim().split('\n');
  assert.match(
    csv[0]!,
    /^configuration,status,operation,kind,count,errors,rps,mean_ms,p50_ms,p90_ms,p95_ms,p99_ms,max_ms/,
  );
  const opsPerRun = results.runs
    .filter((r) => r.status === 'ok')
    .reduce((n, r) => n + Object.keys(r.load!.operations).length, 0);
  assert.equal(csv.length, 1 + opsPerRun, 'a row per operation per run');
});

test('where the time goes: server figures from Prometheus and nginx for every route the client used, charted per configuration', async (t) => {
  for (const r of results.runs) {
    assert.ok(r.server, `${r.configuration.id}: ${r.server_error ?? 'no server figures'}`);
    const routes = r.server.routes;
    // Every route the client sent requests to in the open-model runs, seen by the API and by nginx.
    const used = new Set(
      r.open!.flatMap((o) =>
        Object.entries(o.operations)
          .filter(([, s]) => s.count > 0)
          .map(([op]) => routeKey(op as OperationName)),
      ),
    );
    assert.ok(used.size >= 8, [...used].join(', '));
    for (const route of used) {
      const f = routes[route];
      const sent = r.open!.flatMap((o) =>
        Object.entries(o.operations)
          .filter(([op]) => routeKey(op as OperationName) === route)
          .map(([op, stats]) => `${op} ${JSON.stringify(stats.statuses)}`),
      );
      assert.ok(
        f,
        `${route} in the server figures of ${r.configuration.id} (sent: ${sent.join('; ')}; the server's: ${Object.keys(routes).join(', ')})`,
      );
      assert.ok(f.rate_per_s > 0 && f.api_mean_ms > 0 && f.api_p99_ms > 0, `${route}: ${JSON.stringify(f)}`);
      assert.ok(f.nginx_upstream_mean_ms !== undefined, `${route}: nginx's upstream time`);
      assert.ok(f.store_mean_ms >= 0, route);
    }
    assert.ok(r.server.stores.postgres!.rate_per_s > 0, JSON.stringify(r.server.stores));
    for (const [op, route] of [
      ['product.get', 'GET /api/v1/products/:id'],
      ['cart.put_item', 'PUT /api/v1/users/:userId/cart/items/:productId'],
    ] as const) {
      const f = routes[route];
      const client = r.open!.map((o) => o.operations[op]?.mean_ms ?? 0);
      if (f)
        t.diagnostic(
          `${r.configuration.id} ${op}: client ${client.join('/')} ms, nginx→API ${f.nginx_upstream_mean_ms} ms, API ${f.api_mean_ms} ms, stores ${f.store_mean_ms} ms`,
        );
    }
    if (r.configuration.counts.cassandra) assert.ok(r.server.stores.cassandra!.rate_per_s > 0);
    assert.ok(r.server.cpu['api:0']! > 0, JSON.stringify(r.server.cpu));
    // Its Prometheus data kept under the report, for the dashboards' links.
    assert.ok(existsSync(r.prometheus_data!), r.prometheus_data);
    const svg = await readFile(
      join(dir, 'report', 'charts', `where-time-goes-${r.configuration.id}.svg`),
      'utf8',
    );
    const drawn = new Set(
      r.open!.flatMap((o) =>
        Object.entries(o.operations)
          .filter(([, s]) => s.count > 0)
          .map(([op]) => op),
      ),
    );
    // Four layers per operation: client, nginx, API, stores.
    assert.equal((svg.match(/aria-roledescription="bar"/g) ?? []).length, 4 * drawn.size, r.configuration.id);
  }
  const html = await readFile(join(dir, 'report', 'index.html'), 'utf8');
  assert.match(html, /Where the time goes: server figures/);
  assert.match(html, /\/d\/bazaar-store\?from=\d+&amp;to=\d+/);
});

test('the main chart has a bar per operation per configuration, with title, axis titles and legend', async () => {
  const svg = await readFile(join(dir, 'report', 'charts', 'mean-api-instances.svg'), 'utf8');
  const bars = svg.match(/aria-roledescription="bar"/g) ?? [];
  const [one, two] = results.runs;
  const expected = Object.keys(one!.load!.operations).length + Object.keys(two!.load!.operations).length;
  assert.equal(bars.length, expected);
  for (const text of [
    'Mean time of each operation by API instances',
    'Mean time (ms)',
    'Operation',
    'api 1 (baseline)',
    'api 2',
  ])
    assert.ok(svg.includes(text), text);
  const throughput = await readFile(join(dir, 'report', 'charts', 'throughput-and-errors.svg'), 'utf8');
  assert.equal(
    (throughput.match(/aria-roledescription="bar"/g) ?? []).length,
    2 * results.runs.length,
    'throughput and errors, a bar of each per configuration',
  );
});

test('index.html opens from disk in headless Chromium with every chart visible; a screenshot is kept', async () => {
  const browser = await ensureChromium();
  const page = pathToFileURL(join(dir, 'report', 'index.html')).href;
  const dom = await headless(browser, ['--dump-dom'], page);
  const figures = (dom.match(/<figure class="chart"/g) ?? []).length;
  // Eleven, and "where the time goes" for each configuration with server figures.
  assert.equal(figures, 11 + results.runs.filter((r) => r.server).length);
  assert.match(dom, new RegExp(`data-charts-visible="${figures}"`), 'every chart decoded and laid out');
  assert.match(dom, /cores/);
  assert.match(dom, /pgpool-II/);
  assert.match(dom, /\(PostgreSQL\) \d+/);
  assert.match(dom, /Findings/);
  const artifacts = resolve('test-artifacts');
  await mkdir(artifacts, { recursive: true });
  const shot = join(artifacts, 'bench-report.png');
  await rm(shot, { force: true });
  await headless(browser, [`--screenshot=${shot}`, '--window-size=1400,4000'], page);
  assert.ok((await stat(shot)).size > 50_000, 'a screenshot with content');
});
