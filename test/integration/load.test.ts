import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { freePort } from '../../src/platform/processes.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestDatabase, type TestDatabase } from '../support/database.js';
import { ADMIN, TEST_SECRET } from '../support/app.js';
import { startInstance, type Instance } from '../support/instance.js';
import { bazaar, bazaarOk } from '../support/cli.js';
import { difference, scrapeRequestCounts } from '../../src/lab/server-counts.js';
import { clientRouteCounts, type LoadResult } from '../../src/lab/load/summary.js';
import { OPERATION_NAMES } from '../../src/lab/load/operations.js';
import { DEMO_CUSTOMER_PASSWORD, demoCustomerEmail } from '../../src/seed/demo-data.js';

// `bazaar load` against two real `bazaar serve` processes on one seeded database.
let db: TestDatabase;
let a: Instance;
let b: Instance;
let dir: string;
let scenario: string;

const CUSTOMERS = 20;

before(async () => {
  db = await startTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'bazaar-load-'));
  const env = {
    DATABASE_URL: db.url,
    BAZAAR_AUTH_SECRET: TEST_SECRET,
    BAZAAR_ADMIN_EMAIL: ADMIN.email,
    BAZAAR_ADMIN_PASSWORD: ADMIN.password,
    BAZAAR_STATE_DIR: dir,
    LOG_LEVEL: 'warn',
  };
  await bazaarOk(['seed', '--products', '300', '--users', String(CUSTOMERS)], env);
  [a, b] = await Promise.all([startInstance('load-a', db.url), startInstance('load-b', db.url)]);
  // The shipped scenario, pointed at this database's customers and admin.
  const shopaholic = JSON.parse(await readFile('lab/scenarios/shopaholic.json', 'utf8'));
  shopaholic.customers.count = CUSTOMERS;
  shopaholic.admin.email = ADMIN.email;
  shopaholic.admin.share = 0.1;
  scenario = join(dir, 'scenario.json');
  await writeFile(scenario, JSON.stringify(shopaholic));
});
after(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function load(args: string[]): Promise<{ result: LoadResult; stderr: string }> {
  const out = join(dir, `load-${Date.now()}.json`);
  const run = await bazaar([
    'load',
    '--scenario',
    scenario,
    '--admin-password',
    ADMIN.password,
    '--out',
    out,
    ...args,
  ]);
  assert.equal(run.code, 0, run.stderr);
  return { result: JSON.parse(await readFile(out, 'utf8')) as LoadResult, stderr: run.stderr };
}

test('every seeded demo customer logs in with the documented password', async () => {
  const replies = await Promise.all(
    Array.from({ length: CUSTOMERS }, (_, i) =>
      a.client.post('/api/v1/auth/token', {
        body: { email: demoCustomerEmail(i + 1), password: DEMO_CUSTOMER_PASSWORD },
      }),
    ),
  );
  assert.deepEqual(
    replies.map((r) => r.status),
    Array.from({ length: CUSTOMERS }, () => 200),
  );
  const wrong = await a.client.post('/api/v1/auth/token', {
    body: { email: demoCustomerEmail(1), password: `${DEMO_CUSTOMER_PASSWORD}!` },
  });
  assert.equal(wrong.status, 401);
});

test('closed model over two workers: docs/lab.md shape, every operation, and the servers counted exactly what the client sent', async () => {
  const targets = [a.client.baseUrl, b.client.baseUrl];
  const before = await scrapeRequestCounts(targets);
  const { result, stderr } = await load([
    '--targets',
    targets.join(','),
    '--users',
    '6',
    '--workers',
    '2',
    '--warmup',
    '1s',
    '--duration',
    '4s',
  ]);
  const server = difference(await scrapeRequestCounts(targets), before);
  assert.deepEqual(server, clientRouteCounts(result), 'per route: nothing lost, nothing invented');

  assert.equal(result.tool, 'bazaar load');
  assert.equal(result.duration_s, 4);
  assert.deepEqual(result.targets, targets);
  assert.equal(result.model.type, 'closed');
  for (const key of ['operations', 'totals', 'errors_by_status', 'per_target', 'sessions'] as const)
    assert.ok(key in result, key);
  for (const [op, s] of Object.entries(result.operations)) {
    assert.ok((OPERATION_NAMES as string[]).includes(op), op);
    for (const key of [
      'kind',
      'count',
      'errors',
      'rps',
      'mean_ms',
      'p50_ms',
      'p90_ms',
      'p95_ms',
      'p99_ms',
      'max_ms',
    ])
      assert.ok(key in s, `${op}.${key}`);
    assert.ok(s.p50_ms <= s.p99_ms && s.p99_ms <= s.max_ms, op);
  }
  // A four-second run of six shopaholics reaches every customer step; admin sessions are 10 %.
  for (const op of [
    'auth.token',
    'product.list',
    'product.search',
    'product.get',
    'cart.get',
    'cart.put_item',
    'order.create',
  ])
    assert.ok((result.operations[op]?.count ?? 0) > 0, `${op} was exercised`);
  assert.equal(result.operations['product.get']!.kind, 'read');
  assert.equal(result.operations['order.create']!.kind, 'write');
  assert.equal(result.totals.errors, 0, JSON.stringify(result.errors_by_status));
  assert.equal(
    result.totals.count,
    Object.values(result.operations).reduce((n, s) => n + s.count, 0),
  );
  // Round-robin: both targets served a share.
  for (const t of targets) assert.ok(result.per_target[t]!.count > result.totals.count / 4, t);
  assert.ok(result.sessions.started > 0 && result.sessions.completed > 0);
  assert.match(
    stderr,
    /\[\s+\d+ s\] measure\s+\d+ req\/s\s+errors \d+\s+p99 [\d.]+ ms/,
    'a progress line each second',
  );
});

test('a target that refuses connections is set aside and its requests go to the other', async () => {
  const dead = `http://127.0.0.1:${await freePort()}`;
  const { result } = await load([
    '--targets',
    `${dead},${a.client.baseUrl}`,
    '--users',
    '3',
    '--warmup',
    '0s',
    '--duration',
    '3s',
  ]);
  assert.equal(result.totals.errors, 0, JSON.stringify(result.errors_by_status));
  assert.ok(result.totals.retries > 0, 'the refused attempts were retried');
  assert.ok(result.per_target[dead]!.errors > 0);
  assert.ok(result.per_target[a.client.baseUrl]!.count >= result.totals.count);
});

test('open model keeps its arrival schedule while the server is frozen; latency grows and skipped sessions are reported', async () => {
  const args = [
    '--targets',
    a.client.baseUrl,
    '--arrival',
    '4',
    '--max-sessions',
    '6',
    '--warmup',
    '0s',
    '--duration',
    '6s',
  ];
  const calm = await load(args);
  const frozenRun = load(args);
  // SIGSTOP freezes the real server process for 2.5 s in the middle of the run.
  await new Promise((r) => setTimeout(r, 2_000));
  process.kill(a.pid, 'SIGSTOP');
  await new Promise((r) => setTimeout(r, 2_500));
  process.kill(a.pid, 'SIGCONT');
  const { result } = await frozenRun;

  const arrivals = result.sessions.started + result.sessions.not_started;
  assert.ok(Math.abs(arrivals - 24) <= 1, `24 arrivals in 6 s at 4/s, got ${arrivals}`);
  assert.ok(result.sessions.not_started > 0, 'the cap was reached and the skipped sessions counted');
  const maxOf = (r: LoadResult) => Math.max(...Object.values(r.operations).map((s) => s.max_ms));
  assert.ok(maxOf(result) >= 2_000, `a request waited out the freeze (max ${maxOf(result)} ms)`);
  assert.ok(maxOf(result) > maxOf(calm.result));
  assert.equal(result.totals.errors, 0, JSON.stringify(result.errors_by_status));
});
