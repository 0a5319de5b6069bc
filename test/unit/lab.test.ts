import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { loadScenario, SCENARIOS_DIR } from '../../src/lab/load/scenario.js';
import { MATRICES_DIR, loadMatrix, plan, type Matrix } from '../../src/lab/bench/matrix.js';
import { join } from 'node:path';
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
import { differenceFromBaseline, sessionLog } from '../../src/lab/stats/drift.js';

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

test('the baseline runs in sessions spread over the bench, first and last among them; an `again` step is a configuration of its own', () => {
  const p = plan({ ...matrix, baseline_sessions: 3 });
  const order = p.schedule.map((r) => (r.baselineSession ? `base${r.baselineSession}` : r.configuration.id));
  assert.deepEqual(order, [
    'base1',
    'pg1-pgpool2-api2-nginx2',
    'pg3-pgpool2-api2-nginx2',
    'base2',
    'pg2-pgpool2-api1-nginx2',
    'pg2-pgpool2-api2-nginx2-redis3',
    'pg2-pgpool2-api2-nginx2-redis3-cassandra3',
    'base3',
  ]);
  assert.equal(
    plan(matrix).schedule.filter((r) => r.baselineSession).length,
    3,
    'three sessions unless told',
  );
  const aa = plan({
    ...matrix,
    factors: [],
    baseline_sessions: 4,
    stages: { name: 'A/A', steps: [{ name: 'A' }, { name: 'A again', again: true }] },
  });
  assert.deepEqual(
    aa.schedule.map((r) => r.baselineSession ?? r.configuration.id),
    [1, 2, 'pg2-pgpool2-api2-nginx2-again', 3, 4],
  );
  assert.deepEqual(aa.groups[0]!.members, [
    { label: 'A', configuration: 'pg2-pgpool2-api2-nginx2', baseline: true },
    { label: 'A again', configuration: 'pg2-pgpool2-api2-nginx2-again', baseline: false },
  ]);
  assert.deepEqual(aa.configurations[1]!.counts, aa.configurations[0]!.counts);
});

test('every matrix shipped in lab/matrices loads and plans; aa.yaml measures one configuration as two entries', async () => {
  const files = (await readdir(MATRICES_DIR)).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.includes('aa.yaml') && files.includes('default.yaml'));
  for (const file of files) {
    const m = await loadMatrix(join(MATRICES_DIR, file));
    assert.ok(plan(m).schedule.length >= 2, file);
  }
  const aa = plan(await loadMatrix(join(MATRICES_DIR, 'aa.yaml')));
  const [a, again] = aa.groups[0]!.members;
  assert.equal(again!.configuration, `${a!.configuration}-again`);
  assert.deepEqual(aa.configurations.map((c) => c.counts)[1], aa.configurations[0]!.counts);
  assert.equal(aa.schedule.filter((r) => r.baselineSession).length, 4);
  const defaults = plan(await loadMatrix(join(MATRICES_DIR, 'default.yaml')));
  assert.equal(defaults.schedule.at(-1)!.baselineSession, 4, 'the default ends with the baseline');
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

test('a change is named only where its interval against the baseline sessions excludes 0; operations only where their kind is', () => {
  const run = (id: string, rps: number[], reads: number[], writes: number[], session?: number) =>
    ({
      configuration: { id },
      status: 'ok',
      ...(session ? { baseline_session: session } : {}),
      closed: rps.map((r) => ({ totals: { rps: r } })),
      open: reads.map((r, i) => ({
        reads: { mean_ms: r },
        writes: { mean_ms: writes[i] },
        operations: {
          'product.get': { kind: 'read', count: 10, mean_ms: r },
          'order.create': { kind: 'write', count: 5, mean_ms: writes[i]! * 2 },
        },
      })),
      load: { reads: { mean_ms: reads[0] }, writes: { mean_ms: writes[0] } },
    }) as unknown as RunRecord;
  const p = {
    baseline: 'a',
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
  // Four baseline sessions that drift by a few percent; b doubles its writes, keeps its reads.
  const sessions = [
    run('a', [100, 102, 101], [10, 10.2, 10.1], [20, 20.1, 20.2], 1),
    run('a', [96, 97, 95], [10.6, 10.5, 10.7], [21, 21.2, 20.9], 2),
    run('a', [104, 103, 105], [9.7, 9.8, 9.6], [19.5, 19.6, 19.4], 3),
    run('a', [99, 100, 98], [10.3, 10.2, 10.4], [20.5, 20.4, 20.6], 4),
  ];
  const b = run('b', [99, 101, 100], [10.4, 10.3, 10.5], [40, 41, 39]);
  const [base, other] = changesAgainstBaseline(p, [sessions[0]!, b], sessions.slice(1));
  assert.equal(base!.verdict, 'baseline (4 sessions)');
  const writes = other!.differences.find((d) => d.figure === 'writes')!;
  assert.ok(writes.shown && writes.low_pct > 50 && writes.high_pct < 150, JSON.stringify(writes));
  assert.equal(other!.differences.find((d) => d.figure === 'reads')!.shown, false);
  assert.equal(other!.differences.find((d) => d.figure === 'saturation')!.shown, false);
  assert.equal(other!.differences.find((d) => d.figure === 'order.create')!.shown, true, 'its kind is shown');
  assert.equal(other!.differences.find((d) => d.figure === 'product.get')!.shown, false);
  assert.match(
    other!.verdict,
    /^saturation: no difference shown \(.*\); reads: no difference shown .*; writes slower \+\d/,
  );
  assert.match(other!.verdict, /order\.create slower/);
  // One baseline session knows no drift: nothing is named.
  const [, alone] = changesAgainstBaseline(p, [sessions[0]!, b]);
  assert.match(alone!.verdict, /^no difference shown: the baseline was measured in one session/);
  assert.deepEqual(spreadOf([3, 1, 2]), { min: 1, median: 2, max: 3 });
});

test("the drift interval is Student t on the sessions' logs, widened for the new session", () => {
  // Baseline logs 0, 0.1, 0.2, 0.3: mean 0.15, sd 0.1291; t(0.975, 3) = 3.1824; sqrt(1 + 1/4).
  const d = differenceFromBaseline([0, 0.1, 0.2, 0.3], 0.15 + 0.5, 0.05)!;
  const half = 3.1824463 * 0.1290994 * Math.sqrt(1.25);
  assert.equal(d.change_pct, Math.round((Math.exp(0.5) - 1) * 1000) / 10);
  assert.equal(d.low_pct, Math.round((Math.exp(0.5 - half) - 1) * 1000) / 10);
  assert.equal(d.high_pct, Math.round((Math.exp(0.5 + half) - 1) * 1000) / 10);
  assert.equal(d.shown, true);
  assert.equal(differenceFromBaseline([0.1], 0.5, 0.05), undefined, 'one session: no drift known');
  assert.equal(sessionLog([Math.E, Math.E ** 3]), 2);
});

test('an A/A comparison names a difference about as often as its level says, and a real change nearly always', () => {
  // Sessions drawn from one distribution (a seeded generator): the new one is one more of them.
  let state = 12345;
  const uniform = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) + 1) / (2 ** 31 + 1);
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  let falseAlarms = 0;
  let found = 0;
  const trials = 4000;
  for (let i = 0; i < trials; i++) {
    const baseline = Array.from({ length: 4 }, () => 0.1 * normal());
    if (differenceFromBaseline(baseline, 0.1 * normal(), 0.05)!.shown) falseAlarms++;
    if (differenceFromBaseline(baseline, 0.1 * normal() + 1, 0.05)!.shown) found++;
  }
  assert.ok(
    falseAlarms / trials > 0.035 && falseAlarms / trials < 0.065,
    `false alarms ${falseAlarms / trials}`,
  );
  assert.ok(found / trials > 0.95, `a change of 10 sd found ${found / trials}`);
});
