import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import cassandra from 'cassandra-driver';
import { bazaar, bazaarOk } from '../support/cli.js';
import { Client } from '../support/http.js';
import { newCustomer, newProduct } from '../support/app.js';
import { runContractSuite } from '../support/contract.js';

// The other stores in the cluster, sharing one start: carts in Redis (one primary, two replicas,
// three Sentinels) and the catalog in a three-node Cassandra ring at QUORUM, behind two API
// instances and nginx; the contract through nginx, replica reads, a Redis primary crash and a
// Cassandra node crash under traffic.
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
    '--no-observability',
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
    '--cassandra',
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

test('up --redis 3 --cassandra 3: Redis with three Sentinels, a ring of three; every API instance reports both ready', async () => {
  const status = JSON.parse(await cli('status', '--json')) as Status;
  const redis = status.components.filter((c) => c.kind === 'redis' || c.kind === 'sentinel');
  assert.deepEqual(
    redis.map((c) => c.name),
    ['redis:0', 'redis:1', 'redis:2', 'sentinel:0', 'sentinel:1', 'sentinel:2'],
  );
  for (const c of redis) assert.equal(c.state, 'up', c.name);
  const ring = status.components.filter((c) => c.kind === 'cassandra');
  assert.deepEqual(
    ring.map((c) => `${c.name} ${c.state}`),
    ['cassandra:0 up', 'cassandra:1 up', 'cassandra:2 up'],
  );
  for (const api of status.components.filter((c) => c.kind === 'api')) {
    const ready = await new Client(`http://${api.address}`).get('/ready');
    assert.deepEqual(ready.body.stores, { postgres: 'up', redis: 'up', cassandra: 'up' });
  }
});

test('the whole api.md contract passes through nginx with carts in Redis and the catalog in Cassandra', async () => {
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

test('kill cassandra:2 under catalog traffic: reads and writes keep succeeding at QUORUM; start: it catches up', async (t) => {
  const category = `Кольцо-${Date.now()}`;
  const products = await Promise.all(
    Array.from({ length: 4 }, () => newProduct(entry, admin, { category, stock: 100 })),
  );
  const latest = new Map<string, number>(products.map((p) => [p.id, p.price]));
  const created: string[] = [];
  const failures: Array<{ at: number; status: number }> = [];
  let running = true;
  let killedAt = 0;
  let acknowledgedWrites = 0;
  let requests = 0;
  const note = (status: number) => {
    requests++;
    if (status >= 500 || status === 0) failures.push({ at: Date.now() - killedAt, status });
  };
  // Each loop owns one product: a price change with If-Match, a read of it, a list; plus creates.
  const loops = products.map(async (p, i) => {
    let version = 1;
    for (let n = 1; running; n++) {
      const price = 1000 + n;
      const patch = await entry.patch(`/api/v1/products/${p.id}`, {
        token: admin,
        headers: { 'if-match': `"${version}"` },
        body: { price },
      });
      note(patch.status);
      if (patch.status === 200) {
        version = patch.body.version;
        latest.set(p.id, price);
        acknowledgedWrites++;
      }
      note((await entry.get(`/api/v1/products/${p.id}`)).status);
      note((await entry.get(`/api/v1/products?category=${encodeURIComponent(category)}&sort=price`)).status);
      if (i === 0) {
        const made = await entry.post('/api/v1/products', {
          token: admin,
          body: { sku: `ring-${Date.now()}-${n}`, name: 'Кольцо', category, price: 10, stock: 1 },
        });
        note(made.status);
        if (made.status === 201) created.push(made.body.id);
      }
    }
  });
  await new Promise((r) => setTimeout(r, 1500));
  killedAt = Date.now();
  await cli('kill', 'cassandra:2');
  const writesBefore = acknowledgedWrites;
  await new Promise((r) => setTimeout(r, 8000));
  running = false;
  await Promise.all(loops);
  const duringOutage = acknowledgedWrites - writesBefore;
  t.diagnostic(
    `with cassandra:2 down: ${duringOutage} price changes and ${created.length} creates acknowledged, ` +
      `${failures.length} failed of ${requests} requests ${JSON.stringify(failures)}`,
  );
  assert.ok(duringOutage > 20, 'writes went on while the node was down');
  assert.equal(failures.length, 0, 'one node down at QUORUM: every request served');

  // Nothing acknowledged is lost: every product at its last acknowledged price, every create there.
  for (const [id, price] of latest) {
    assert.equal((await entry.get(`/api/v1/products/${id}`)).body.price, price);
  }
  const listed = await entry.get(`/api/v1/products?category=${encodeURIComponent(category)}&limit=100`);
  assert.equal(listed.body.total, products.length + created.length);

  // Back: the node catches up (hints from the others), seen by asking it alone at consistency ONE.
  const startedAt = Date.now();
  await cli('start', 'cassandra:2');
  const status = JSON.parse(await cli('status', '--json')) as Status;
  const node = status.components.find((c) => c.name === 'cassandra:2')!;
  const probe = new cassandra.Client({
    contactPoints: [node.address],
    localDataCenter: 'datacenter1',
    protocolOptions: { port: Number(node.address.split(':')[1]) },
    policies: {
      loadBalancing: new cassandra.policies.loadBalancing.AllowListPolicy(
        new cassandra.policies.loadBalancing.RoundRobinPolicy(),
        [node.address],
      ),
    },
    queryOptions: { consistency: cassandra.types.consistencies.one, prepare: true },
  });
  try {
    const behind = async () => {
      let missing = 0;
      for (const [id, price] of latest) {
        const row = (await probe.execute('SELECT price FROM bazaar.products WHERE id = ?', [id])).first();
        if (!row || Number(row['price']) !== price) missing++;
      }
      for (const id of created) {
        if (!(await probe.execute('SELECT id FROM bazaar.products WHERE id = ?', [id])).first()) missing++;
      }
      return missing;
    };
    let left = await behind();
    const deadline = Date.now() + 90_000;
    while (left > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      left = await behind();
    }
    t.diagnostic(`cassandra:2 caught up ${((Date.now() - startedAt) / 1000).toFixed(1)} s after start`);
    assert.equal(left, 0, 'the restarted node holds every write it missed');
  } finally {
    await probe.shutdown();
  }
});
