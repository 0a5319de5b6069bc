import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { loadScenario, SCENARIOS_DIR } from '../../src/lab/load/scenario.js';
import { plan, type Matrix } from '../../src/lab/bench/matrix.js';
import { Recorder } from '../../src/lab/load/recorder.js';
import { shareOf } from '../../src/lab/load/models.js';
import { CustomerLeases } from '../../src/lab/load/shopaholic.js';
import { counterTotal, difference, parseRequestCounts } from '../../src/lab/server-counts.js';
import {
  changesAgainstBaseline,
  spreadOf,
  toCsv,
  type BenchResults,
} from '../../src/lab/report/bench-results.js';
import type { RunRecord } from '../../src/lab/bench/runner.js';
import { configurationLabel } from '../../src/lab/report/charts.js';

const matrix: Matrix = {
  name: 't',
  seed: { products: 10, customers: 5 },
  load: { users: 2, think: '0ms', warmup: '1s', duration: '2s', workers: 1, scenario: 'shopaholic', seed: 1 },
  baseline: { pg: 2, pgpool: 2, api: 2, nginx: 2, mode: 'native' },
  factors: [
    { name: 'PostgreSQL backends', key: 'pg', values: [1, 2, 3] },
    { name: 'API instances', key: 'api', values: [1, 2] },
  ],
  stages: {
    name: 'Storage',
    steps: [
      { name: 'PostgreSQL only' },
      { name: '+ Redis carts', redis: 3 },
      { name: '+ Cassandra catalog', redis: 3, cassandra: 3 },
    ],
  },
};

test('the plan varies one factor at a time and runs the shared baseline once', () => {
  const p = plan(matrix);
  assert.equal(p.baseline, 'pg2-pgpool2-api2-nginx2');
  assert.deepEqual(
    p.configurations.map((c) => c.id),
    [
      'pg2-pgpool2-api2-nginx2',
      'pg1-pgpool2-api2-nginx2',
      'pg3-pgpool2-api2-nginx2',
      'pg2-pgpool2-api1-nginx2',
      'pg2-pgpool2-api2-nginx2-redis3',
      'pg2-pgpool2-api2-nginx2-redis3-cassandra3',
    ],
  );
  assert.deepEqual(
    p.groups.map((g) => [g.name, g.members.map((m) => `${m.label}${m.baseline ? '*' : ''}`)]),
    [
      ['PostgreSQL backends', ['pg 1', 'pg 2*', 'pg 3']],
      ['API instances', ['api 1', 'api 2*']],
      ['Storage', ['PostgreSQL only*', '+ Redis carts', '+ Cassandra catalog']],
    ],
  );
});

test('merged worker histograms give the same percentiles as one recorder that saw every sample', () => {
  const one = new Recorder();
  const parts = [new Recorder(), new Recorder(), new Recorder()];
  for (let i = 1; i <= 3000; i++) {
    const micros = (i * 7919) % 100_000;
    const status = i % 50 === 0 ? '503' : '200';
    one.record('product.get', micros, status, status === '503');
    parts[i % 3]!.record('product.get', micros, status, status === '503');
    parts[i % 3]!.attempt('http://a', false);
  }
  const merged = new Recorder();
  for (const p of parts) merged.merge(JSON.parse(JSON.stringify(p.toWire())));
  const h1 = one.operations.get('product.get')!.histogram;
  const h2 = merged.operations.get('product.get')!.histogram;
  for (const q of [50, 90, 99, 99.9])
    assert.equal(h2.getValueAtPercentile(q), h1.getValueAtPercentile(q), `p${q}`);
  assert.equal(h2.totalCount, 3000);
  assert.deepEqual(merged.totals(), { count: 3000, errors: 60 });
  assert.deepEqual(merged.errorsByStatus, { '503': 60 });
  assert.deepEqual(merged.perTarget, { 'http://a': { count: 3000, errors: 0 } });
});

test('users and sessions are shared out over workers without losing one', () => {
  assert.deepEqual(
    [0, 1, 2].map((w) => shareOf(10, w, 3)),
    [4, 3, 3],
  );
  assert.deepEqual(
    [0, 1].map((w) => shareOf(1, w, 2)),
    [1, 0],
  );
});

test('customer leases: each worker owns its own customers and never hands one out twice', () => {
  const random = () => 0.5;
  const w0 = new CustomerLeases(6, 0, 2);
  const w1 = new CustomerLeases(6, 1, 2);
  const taken0 = [w0.take(random), w0.take(random), w0.take(random)].sort();
  assert.deepEqual(taken0, [1, 3, 5]);
  assert.equal(w0.take(random), undefined);
  w0.give(3);
  assert.equal(w0.take(random), 3);
  assert.deepEqual([w1.take(random), w1.take(random), w1.take(random)].sort(), [2, 4, 6]);
});

test('request counts are read per method and route from Prometheus text', () => {
  const text = [
    '# HELP bazaar_http_requests_total HTTP requests by route, method and status',
    'bazaar_http_requests_total{route="/api/v1/products/:id",method="GET",status="200"} 7',
    'bazaar_http_requests_total{route="/api/v1/products/:id",method="GET",status="404"} 2',
    'bazaar_http_requests_total{route="/api/v1/orders",method="POST",status="201"} 3',
    'bazaar_http_request_duration_seconds_count{route="/api/v1/orders",method="POST",status="201"} 3',
  ].join('\n');
  const counts = parseRequestCounts(text);
  assert.deepEqual(counts, { 'GET /api/v1/products/:id': 9, 'POST /api/v1/orders': 3 });
  assert.deepEqual(difference(counts, { 'GET /api/v1/products/:id': 9, 'POST /api/v1/orders': 1 }), {
    'POST /api/v1/orders': 2,
  });
});

test('an unlabelled counter is summed over instances, and a missing one counts 0', () => {
  const a =
    '# HELP bazaar_redis_wait_short_total x\nbazaar_redis_wait_short_total 3\nbazaar_redis_wait_short_total_other 9';
  const b = 'bazaar_redis_wait_short_total 4';
  assert.equal(counterTotal([a, b, 'process_cpu_seconds_total 1'], 'bazaar_redis_wait_short_total'), 7);
});

test('CSV quotes what needs quoting and keeps failed runs as one row with their note', () => {
  const results = {
    runs: [
      {
        configuration: { id: 'pg1-pgpool1-api1-nginx1' },
        status: 'failed',
        note: 'backends differ: users, "rows"',
        seconds: {},
      },
    ],
  } as unknown as BenchResults;
  const lines = toCsv(results).trim().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[1]!, /^pg1-pgpool1-api1-nginx1,failed,,.*,"backends differ: users, ""rows"""$/);
});

test('configuration labels read as counts and mark the baseline', () => {
  assert.equal(configurationLabel('pg2-pgpool1-api3-nginx2', 'x'), 'pg 2 · pgpool 1 · api 3 · nginx 2');
  assert.equal(
    configurationLabel('pg2-pgpool2-api2-nginx2', 'pg2-pgpool2-api2-nginx2'),
    'pg 2 · pgpool 2 · api 2 · nginx 2 (baseline)',
  );
});

test('every shipped scenario is valid; open-tabs puts 20 products at once', async () => {
  const names = (await readdir(SCENARIOS_DIR))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace('.json', ''));
  assert.ok(names.includes('shopaholic') && names.includes('open-tabs'), names.join(', '));
  for (const name of names) assert.equal((await loadScenario(name)).name, name);
  assert.equal((await loadScenario('open-tabs')).cart.tabs, 20);
});

test('a factor may run with other settings than the baseline (PostgreSQL backends in streaming mode)', () => {
  const p = plan({
    ...matrix,
    factors: [{ name: 'streaming', key: 'pg', values: [1, 3], with: { mode: 'streaming' } }],
  });
  assert.deepEqual(
    p.groups[0]!.members.map((m) => m.configuration),
    ['pg1-pgpool2-api2-nginx2-streaming', 'pg3-pgpool2-api2-nginx2-streaming'],
  );
});

test('a change is named only where the repeats of two configurations do not overlap', () => {
  const run = (id: string, rps: number[], reads: number[], writes: number[]) =>
    ({
      configuration: { id },
      status: 'ok',
      closed: rps.map((r) => ({ totals: { rps: r } })),
      open: reads.map((r, i) => ({ reads: { mean_ms: r }, writes: { mean_ms: writes[i] } })),
      load: { reads: { mean_ms: reads[0] }, writes: { mean_ms: writes[0] } },
    }) as unknown as RunRecord;
  const p = {
    baseline: 'a',
    configurations: [],
    groups: [
      {
        name: 'g',
        members: [
          { label: 'a', configuration: 'a', baseline: true },
          { label: 'b', configuration: 'b', baseline: false },
        ],
      },
    ],
  };
  const [base, other] = changesAgainstBaseline(p, [
    run('a', [100, 110, 105], [10, 12, 11], [20, 21, 22]),
    run('b', [160, 170, 150], [11, 13, 12], [30, 31, 29]),
  ]);
  assert.equal(base!.verdict, 'baseline');
  assert.equal(other!.saturation_change_pct, 52.4);
  assert.equal(other!.verdict, 'saturation higher; reads differs less than the spread; writes slower');
  assert.deepEqual(spreadOf([3, 1, 2]), { min: 1, median: 2, max: 3 });
});
