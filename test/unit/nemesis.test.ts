import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PgMode, Topology } from '../../src/cluster/layout.js';
import { choose, planFaults } from '../../src/cluster/nemesis/schedule.js';
import { slotsOf } from '../../src/cluster/nemesis/victims.js';
import { faultFigures } from '../../src/cluster/nemesis/figures.js';

const topology = (counts: Record<string, number>, mode: PgMode = 'streaming'): Topology => ({
  counts: { postgres: 2, pgpool: 2, api: 2, nginx: 2, ...counts },
  mode,
  basePort: 20000,
  dir: '/tmp/x',
  seedProducts: 0,
});

const plan = (seed: number, slots = ['postgres:primary', 'api:any', 'nginx:any']) =>
  planFaults({
    seed,
    faults: ['kill', 'partition'],
    slots,
    count: 50,
    downMs: [2000, 8000],
    gapMs: [1000, 4000],
  });

test('the same seed gives the same schedule; another seed another one', () => {
  assert.deepEqual(plan(7), plan(7));
  assert.notDeepEqual(plan(7), plan(8));
  const faults = plan(7);
  assert.deepEqual(new Set(faults.map((f) => f.fault)), new Set(['kill', 'partition']));
  assert.deepEqual(new Set(faults.map((f) => f.slot)), new Set(['postgres:primary', 'api:any', 'nginx:any']));
  for (const f of faults) {
    assert.ok(f.downMs >= 2000 && f.downMs <= 8000, `down ${f.downMs}`);
    assert.ok(f.gapMs >= 1000 && f.gapMs <= 4000, `gap ${f.gapMs}`);
    assert.ok(f.pick >= 0 && f.pick < 1);
  }
  assert.throws(() => plan(1, []), /no components/);
});

test('a pick chooses among candidates by name, whatever order they come in', () => {
  const c = [{ name: 'api:1' }, { name: 'api:0' }, { name: 'api:2' }];
  assert.equal(choose(c, 0)?.name, 'api:0');
  assert.equal(choose([...c].reverse(), 0.5)?.name, 'api:1');
  assert.equal(choose(c, 0.99)?.name, 'api:2');
  assert.equal(choose([], 0.5), undefined);
});

test('slots: the roles where there are several to choose from, any instance of the rest', () => {
  assert.deepEqual(slotsOf(topology({})), [
    'postgres:primary',
    'postgres:standby',
    'pgpool:any',
    'api:any',
    'api:lease-holder',
    'nginx:any',
  ]);
  const native = slotsOf(topology({ redis: 3, kafka: 3, notifier: 2, cassandra: 3 }, 'native'));
  assert.deepEqual(native, [
    'postgres:main',
    'postgres:replica',
    'pgpool:any',
    'api:any',
    'api:lease-holder',
    'nginx:any',
    'redis:primary',
    'redis:replica',
    'sentinel:any',
    'cassandra:any',
    'kafka:any',
    'kafka:controller',
    'notifier:any',
  ]);
  // One of a kind: no role to tell apart.
  assert.deepEqual(slotsOf(topology({ postgres: 1, redis: 1, kafka: 1, notifier: 1 })).slice(0, 1), [
    'postgres:any',
  ]);
  assert.ok(slotsOf(topology({ redis: 1 })).includes('redis:any'));
});

test("a fault's figures: what started around it, what failed, the first write acknowledged after it", () => {
  const downAt = 10_000;
  const records = [
    { op: 'order.create', start: 9_000, end: 9_100, status: 201, acknowledgedWrite: true },
    { op: 'order.create', start: 10_100, end: 13_100, status: 503, acknowledgedWrite: false },
    { op: 'cart.put_item', start: 10_200, end: 12_000, status: 'network', acknowledgedWrite: false },
    { op: 'order.create', start: 13_200, end: 13_500, status: 201, acknowledgedWrite: true },
    { op: 'order.get', start: 14_000, end: 14_100, status: 200, acknowledgedWrite: false },
    { op: 'order.create', start: 40_000, end: 40_100, status: 201, acknowledgedWrite: true },
  ] as const;
  const figures = faultFigures(
    {
      fault: 'kill',
      slot: 'postgres:primary',
      victim: 'postgres:0',
      downAt,
      backAt: 15_000,
      settledAt: 16_000,
    },
    records.map((r) => ({ ...r })),
  );
  assert.deepEqual(figures, {
    fault: 'kill',
    victim: 'postgres:0',
    slot: 'postgres:primary',
    downS: 5,
    settledS: 6,
    requests: 4,
    failedByStatus: { '503': 1, network: 1 },
    longestWaitMs: 3000,
    firstWriteMs: 3500,
    // Nothing acknowledged from 13.5 s until the window's end (2 s after it settled, at 18 s).
    writeGapMs: 4500,
  });
});
