import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { bazaar, bazaarOk } from '../support/cli.js';
import { queryOnce } from '../support/database.js';
import { Client } from '../support/http.js';
import { newCustomer, newProduct } from '../support/app.js';
import { OrderLifecycleTraffic, failureSummary } from '../support/traffic.js';

// Order events through Kafka: three brokers (replication 3, min.insync 2), two notifiers in one
// consumer group, two API instances whose relays share one lease. Under order traffic with every
// kind of status change, a broker, the API instance whose relay publishes and a notifier are each
// killed and started again; afterwards every acknowledged change has exactly one notification, in
// order, and nothing is held.
const BASE_PORT = Number(process.env.BAZAAR_TEST_BASE_PORT ?? 23000) + 1000;
// Short enough that orders left unpaid expire while the test runs (the expiry job's events).
const ORDER_TTL = '8s';
let dir: string;
let entrypoints: string[];
let admin: string;
let database: { host: string; port: number };
const cli = (...args: string[]) =>
  bazaarOk(['cluster', ...args, '--dir', dir], { BAZAAR_ORDER_TTL: ORDER_TTL });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Status {
  entrypoints: string[];
  components: Array<{ name: string; kind: string; pid: number | null; address: string; state: string }>;
}

const query = <T extends pg.QueryResultRow>(text: string): Promise<T[]> =>
  queryOnce<T>({ ...database, user: 'postgres', database: 'bazaar' }, text);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bazaar-cluster-kafka-'));
  await cli(
    'up',
    '--no-observability',
    '--pg',
    '2',
    '--pgpool',
    '2',
    '--api',
    '2',
    '--nginx',
    '2',
    '--kafka',
    '3',
    '--notifiers',
    '2',
    '--base-port',
    String(BASE_PORT),
    '--seed-products',
    '100',
    '--seed-users',
    '10',
  );
  const status = JSON.parse(await cli('status', '--json')) as Status;
  entrypoints = status.entrypoints;
  const [host, port] = status.components.find((c) => c.name === 'postgres:0')!.address.split(':');
  database = { host: host!, port: Number(port) };
  const adminPassword = JSON.parse(await readFile(join(dir, 'cluster.json'), 'utf8')).adminPassword;
  admin = (
    await new Client(entrypoints[0]!).post('/api/v1/auth/token', {
      body: { email: 'admin@bazaar.local', password: adminPassword },
    })
  ).body.token;
});
after(async () => {
  await bazaar(['cluster', 'down', '--dir', dir]);
  if (!process.env.BAZAAR_TEST_KEEP) await rm(dir, { recursive: true, force: true });
});

test('up --kafka 3: three brokers, every partition of order-events on three in-sync replicas, two notifiers', async () => {
  const status = JSON.parse(await cli('status', '--json')) as Status;
  const up = (kind: string) => status.components.filter((c) => c.kind === kind && c.state === 'up').length;
  assert.equal(up('kafka'), 3);
  assert.equal(up('notifier'), 2);
  const verify = JSON.parse(await cli('verify', '--json'));
  assert.equal(verify.ok, true, JSON.stringify(verify.differences));
  assert.deepEqual(verify.kafka.brokers, [1, 2, 3]);
  assert.equal(verify.kafka.partitions.length, 6);
  for (const p of verify.kafka.partitions) assert.equal(p.isr.length, 3);
});

test('an order status change on the cluster becomes one notification for its customer', async () => {
  const api = new Client(entrypoints[0]!);
  const shopper = await newCustomer(api);
  const product = await newProduct(api, admin, { stock: 5 });
  const order = await api.post('/api/v1/orders', {
    token: shopper.token,
    headers: { 'idempotency-key': 'one' },
    body: { items: [{ product_id: product.id, quantity: 1 }] },
  });
  assert.equal(order.status, 201);
  assert.equal(
    (await api.patch(`/api/v1/orders/${order.body.id}`, { token: shopper.token, body: { status: 'paid' } }))
      .status,
    200,
  );
  const deadline = Date.now() + 30_000;
  let items: Array<{ order_id: string; status: string; seq: number }> = [];
  while (Date.now() < deadline) {
    items = (await api.get(`/api/v1/users/${shopper.id}/notifications`, { token: shopper.token })).body.items;
    if (items.length === 2) break;
    await sleep(100);
  }
  assert.deepEqual(
    items.map((n) => [n.order_id, n.seq, n.status]),
    [
      [order.body.id, 2, 'paid'],
      [order.body.id, 1, 'pending_payment'],
    ],
  );
});

test('kill a broker, the publishing API instance and a notifier under traffic: every change notified once, in order', async (t) => {
  const product = await newProduct(new Client(entrypoints[0]!), admin, { stock: 1_000_000 });
  const shoppers = await Promise.all(
    Array.from({ length: 8 }, () => newCustomer(new Client(entrypoints[0]!))),
  );
  const traffic = new OrderLifecycleTraffic(entrypoints, shoppers, admin, product.id);
  const windows: Array<{ what: string; from: number; to: number }> = [];
  const outage = async (name: string, pauseMs: number) => {
    const from = Date.now();
    await cli('kill', name);
    await sleep(pauseMs);
    await cli('start', name);
    windows.push({ what: name, from, to: Date.now() });
    await sleep(4_000);
  };
  traffic.start();
  await sleep(4_000);
  await outage('kafka:0', 5_000);
  const [lease] = await query<{ holder: string }>(
    "SELECT holder FROM relay_leases WHERE name = 'order-events'",
  );
  assert.match(lease!.holder, /^api:[01]$/, 'an API instance holds the relay lease');
  // Past the lease (5 s): the other instance's relay takes over.
  await outage(lease!.holder, 7_000);
  await outage('notifier:0', 3_000);
  const report = await traffic.stop();
  // Orders left unpaid expire (8 s TTL, swept every 2 s); verify waits for the events to drain.
  await sleep(12_000);
  const verify = JSON.parse((await bazaar(['cluster', 'verify', '--json', '--dir', dir])).stdout);
  assert.equal(verify.ok, true, JSON.stringify(verify.differences));
  assert.equal(report.unresolved, 0, failureSummary(report));
  assert.ok(traffic.statuses.size > 50, `orders placed: ${traffic.statuses.size}`);

  const notified = new Map<string, string[]>();
  for (const row of await query<{ order_id: string; status: string }>(
    'SELECT order_id, status FROM notifications ORDER BY order_id, seq',
  )) {
    const list = notified.get(row.order_id) ?? [];
    list.push(row.status);
    notified.set(row.order_id, list);
  }
  let expired = 0;
  for (const [id, acknowledged] of traffic.statuses) {
    const got = notified.get(id) ?? [];
    // The expiry job may add a last cancellation no client asked for (the order left unpaid, or
    // a payment that came too late while an instance was down).
    const byExpiry = got.length === acknowledged.length + 1 && got.at(-1) === 'cancelled';
    if (byExpiry) expired++;
    assert.ok(
      JSON.stringify(got) === JSON.stringify(acknowledged) || byExpiry,
      `order ${id}: acknowledged ${acknowledged.join(' → ')}, notified ${got.join(' → ')}`,
    );
    if (traffic.leftToExpire.has(id)) assert.equal(got.at(-1), 'cancelled', `order ${id} left to expire`);
  }
  assert.ok(expired > 0, 'some orders expired');

  // Figures, not assertions: how long events waited around each kill, and overall.
  const [overall] = await query<{ p50: number; p99: number; max: number; events: number }>(
    `SELECT count(*)::int AS events,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM n.created_at - e.occurred_at)) * 1000 AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM n.created_at - e.occurred_at)) * 1000 AS p99,
            (max(extract(epoch FROM n.created_at - e.occurred_at)) * 1000)::float8 AS max
     FROM notifications n JOIN order_events e ON e.id = n.event_id`,
  );
  t.diagnostic(
    `${overall!.events} events, ${traffic.statuses.size} orders, ${expired} expired; change → notification p50 ${overall!.p50.toFixed(0)} ms, p99 ${overall!.p99.toFixed(0)} ms, max ${overall!.max.toFixed(0)} ms; client attempts failed: ${report.failedAttempts} of ${report.attempts}`,
  );
  for (const w of windows) {
    const [row] = await query<{ waited: number; longest: number; events: number }>(
      `SELECT count(*)::int AS events,
              coalesce(max(extract(epoch FROM n.created_at - e.occurred_at)) * 1000, 0)::float8 AS longest,
              coalesce(extract(epoch FROM max(e.occurred_at) FILTER (WHERE n.created_at - e.occurred_at > interval '1 second')
                 - min(e.occurred_at) FILTER (WHERE n.created_at - e.occurred_at > interval '1 second')) * 1000, 0)::float8 AS waited
       FROM notifications n JOIN order_events e ON e.id = n.event_id
       WHERE e.occurred_at BETWEEN to_timestamp(${w.from / 1000}) AND to_timestamp(${(w.to + 4_000) / 1000})`,
    );
    t.diagnostic(
      `kill ${w.what} (${((w.to - w.from) / 1000).toFixed(1)} s down): ${row!.events} events around it, events waiting > 1 s for ${(row!.waited / 1000).toFixed(1)} s, longest wait ${(row!.longest / 1000).toFixed(1)} s`,
    );
  }
});
