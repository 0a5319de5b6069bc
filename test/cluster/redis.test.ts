import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { bazaar, bazaarOk } from '../support/cli.js';
import { Client } from '../support/http.js';
import { newCustomer, newProduct } from '../support/app.js';
import { runContractSuite } from '../support/contract.js';

// Carts in Redis in the cluster: one primary, two replicas, three Sentinels, behind two API
// instances and nginx; the contract through nginx, replica reads, and a primary crash under traffic.
const BASE_PORT = Number(process.env.BAZAAR_TEST_BASE_PORT ?? 23000) + 3000;
let dir: string;
let entry: Client;
let adminPassword: string;
let admin: string;
const cli = (...args: string[]) => bazaarOk(['cluster', ...args, '--dir', dir]);

interface Status {
  entrypoints: string[];
  components: Array<{ name: string; kind: string; pid: number | null; address: string; state: string }>;
}

const redisAt = (address: string) => {
  const [host, port] = address.split(':');
  const c = new Redis({ host, port: Number(port), maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => undefined);
  return c;
};

async function hgetallCalls(address: string): Promise<number> {
  const c = redisAt(address);
  try {
    return Number(/cmdstat_hgetall:calls=(\d+)/.exec(await c.info('commandstats'))?.[1] ?? 0);
  } finally {
    c.disconnect();
  }
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bazaar-cluster-redis-'));
  await cli(
    'up',
    '--pg',
    '1',
    '--pgpool',
    '1',
    '--api',
    '2',
    '--nginx',
    '1',
    '--redis',
    '3',
    '--base-port',
    String(BASE_PORT),
    '--seed-products',
    '200',
    '--seed-users',
    '20',
  );
  const status = JSON.parse(await cli('status', '--json')) as Status;
  entry = new Client(status.entrypoints[0]!);
  adminPassword = JSON.parse(await readFile(join(dir, 'cluster.json'), 'utf8')).adminPassword;
  admin = (
    await entry.post('/api/v1/auth/token', { body: { email: 'admin@bazaar.local', password: adminPassword } })
  ).body.token;
});
after(async () => {
  await bazaar(['cluster', 'down', '--dir', dir]);
  if (!process.env.BAZAAR_TEST_KEEP) await rm(dir, { recursive: true, force: true });
});

test('up --redis 3: a primary, two replicas and three Sentinels; every API instance reports Redis ready', async () => {
  const status = JSON.parse(await cli('status', '--json')) as Status;
  const redis = status.components.filter((c) => c.kind === 'redis' || c.kind === 'sentinel');
  assert.deepEqual(
    redis.map((c) => c.name),
    ['redis:0', 'redis:1', 'redis:2', 'sentinel:0', 'sentinel:1', 'sentinel:2'],
  );
  for (const c of redis) assert.equal(c.state, 'up', c.name);
  for (const api of status.components.filter((c) => c.kind === 'api')) {
    const ready = await new Client(`http://${api.address}`).get('/ready');
    assert.deepEqual(ready.body.stores, { postgres: 'up', redis: 'up' });
  }
});

test('the whole api.md contract passes through nginx with carts in Redis', async () => {
  const run = await runContractSuite({
    BAZAAR_TEST_TARGET: entry.baseUrl,
    BAZAAR_TEST_ADMIN_PASSWORD: adminPassword,
  });
  assert.equal(run.code, 0, run.failures);
  assert.match(run.out, /# fail 0/);
});

test('cart reads are served by the replicas', async () => {
  const status = JSON.parse(await cli('status', '--json')) as Status;
  const replicas = status.components.filter((c) => c.name === 'redis:1' || c.name === 'redis:2');
  const before = await Promise.all(replicas.map((r) => hgetallCalls(r.address)));
  const customer = await newCustomer(entry);
  for (let i = 0; i < 20; i++)
    assert.equal(
      (await entry.get(`/api/v1/users/${customer.id}/cart`, { token: customer.token })).status,
      200,
    );
  const after = await Promise.all(replicas.map((r) => hgetallCalls(r.address)));
  const served = after.map((n, i) => n - before[i]!);
  assert.ok(
    served.every((n) => n > 0),
    `reads per replica: ${served.join(', ')}`,
  );
});

test('kill redis:0 under cart traffic: Sentinel promotes a replica, writes succeed again, no acknowledged change is lost', async (t) => {
  const product = await newProduct(entry, admin, { stock: 1000 });
  const shoppers = await Promise.all(Array.from({ length: 6 }, () => newCustomer(entry)));
  const acknowledged = new Map<string, number>();
  const failures: number[] = [];
  let running = true;
  let writes = 0;
  const loops = shoppers.map(async (s) => {
    for (let q = 1; running; q = (q % 999) + 1) {
      const reply = await entry.put(`/api/v1/users/${s.id}/cart/items/${product.id}`, {
        token: s.token,
        body: { quantity: q },
      });
      if (reply.status === 200) {
        acknowledged.set(s.id, q);
        writes++;
      } else {
        assert.equal(reply.status, 503, `only 503 while failing over, got ${reply.status}`);
        failures.push(Date.now());
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  await new Promise((r) => setTimeout(r, 1_500));
  const killedAt = Date.now();
  await cli('kill', 'redis:0');
  // Writes must come back: wait until a good number succeed after the kill.
  const writesAtKill = writes;
  for (let i = 0; i < 300 && writes - writesAtKill < 200; i++) await new Promise((r) => setTimeout(r, 100));
  running = false;
  await Promise.all(loops);
  assert.ok(
    writes - writesAtKill >= 200,
    `cart writes succeed again after the failover (${writes - writesAtKill})`,
  );
  const burst = failures.length ? ((failures.at(-1)! - failures[0]!) / 1000).toFixed(1) : '0';
  t.diagnostic(
    `primary killed: ${failures.length} failed cart writes (503) over ${burst} s; first ${failures.length ? ((failures[0]! - killedAt) / 1000).toFixed(1) : '-'} s after the kill`,
  );

  // Every acknowledged change is in the cart (each write waited for the replicas: ADR 8).
  const short = await Promise.all(
    (JSON.parse(await cli('status', '--json')) as Status).components
      .filter((c) => c.kind === 'api')
      .map(async (c) =>
        Number(
          /bazaar_redis_wait_short_total (\d+)/.exec(
            (await new Client(`http://${c.address}`).get('/metrics')).body,
          )?.[1] ?? 0,
        ),
      ),
  );
  let lost = 0;
  for (const s of shoppers) {
    const cart = (await entry.get(`/api/v1/users/${s.id}/cart`, { token: s.token })).body;
    if (cart.items[0]?.quantity !== acknowledged.get(s.id)) lost++;
  }
  const mayLose = short.reduce((a, b) => a + b, 0);
  t.diagnostic(
    `writes acknowledged before every replica confirmed them: ${mayLose}; carts not at their last acknowledged quantity: ${lost}`,
  );
  assert.ok(lost <= mayLose, `lost ${lost} acknowledged changes, at most ${mayLose} may be`);

  await cli('start', 'redis:0');
  const verify = await bazaar(['cluster', 'verify', '--dir', dir, '--json']);
  assert.equal(verify.code, 0, verify.stdout);
  const result = JSON.parse(verify.stdout);
  assert.equal(result.redis.length, 3);
  const roles = result.redis.map((n: { name: string; role: string }) => `${n.name}=${n.role}`);
  assert.ok(roles.includes('redis:0=replica'), `the old primary came back as a replica: ${roles.join(' ')}`);
});
