import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { clusterDatabaseUrl } from '../../src/cluster/pgpool.js';
import { cassandraEnv } from '../../src/cluster/cassandra.js';
import type { Topology } from '../../src/cluster/layout.js';
import { testEnv } from '../support/env.js';
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
const BIN = fileURLToPath(new URL('../../bin/bazaar.js', import.meta.url));

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

test('the whole docs/api.md contract passes through nginx with carts in Redis and the catalog in Cassandra', async () => {
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
  // When each product's latest price and each create were acknowledged (ms since the epoch).
  const acknowledgedAt = new Map<string, number>();
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
        acknowledgedAt.set(p.id, Date.now());
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
        if (made.status === 201) {
          created.push(made.body.id);
          acknowledgedAt.set(made.body.id, Date.now());
        }
      }
    }
  });
  await new Promise((r) => setTimeout(r, 1500));
  killedAt = Date.now();
  await cli('kill', 'cassandra:2');
  const downAt = Date.now();
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

  // Back: the node catches up on what it missed while down (hints from the others), seen by asking
  // it alone at consistency ONE. Only writes acknowledged after the kill count as missed: a write
  // the dying node coordinated itself may have been acknowledged by the other two an instant before
  // its own copy was applied, and nothing hints that one (repair does; QUORUM reads above hold it).
  const startedAt = Date.now();
  const missed = [...acknowledgedAt].filter(([, at]) => at > downAt).map(([id]) => id);
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
      const missing: string[] = [];
      for (const id of missed) {
        const row = (await probe.execute('SELECT price FROM bazaar.products WHERE id = ?', [id])).first();
        const want = latest.get(id);
        if (!row || (want !== undefined && Number(row['price']) !== want))
          missing.push(`${id} (acknowledged ${acknowledgedAt.get(id)! - killedAt} ms after the kill)`);
      }
      return missing;
    };
    let left = await behind();
    const deadline = Date.now() + 90_000;
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      left = await behind();
    }
    t.diagnostic(
      `cassandra:2 caught up on ${missed.length} writes ${((Date.now() - startedAt) / 1000).toFixed(1)} s after start`,
    );
    assert.ok(missed.length > 0, 'writes were acknowledged while the node was down');
    assert.deepEqual(left, [], 'the restarted node holds every write it missed');
  } finally {
    await probe.shutdown();
  }
});

/** What `bazaar import` and `export` need to reach this cluster's stores, as its API instances do. */
async function storeEnv(): Promise<Record<string, string>> {
  const state = JSON.parse(await readFile(join(dir, 'cluster.json'), 'utf8')) as {
    topology: Topology;
    secret: string;
  };
  return {
    DATABASE_URL: clusterDatabaseUrl(state.topology),
    BAZAAR_DATABASE_REPLICATION: 'statement',
    ...cassandraEnv(state.topology),
    BAZAAR_AUTH_SECRET: state.secret,
    BAZAAR_STATE_DIR: join(dir, 'import-state'),
  };
}

test('import into the Cassandra ring: the normalized example (bad rows refused), a dry run, a round trip that changes nothing', async () => {
  const env = await storeEnv();
  const example = fileURLToPath(new URL('../../examples/catalog-import/', import.meta.url));
  const source = join(dir, 'normalized.sqlite');
  await copyFile(join(example, 'normalized.sqlite'), source);
  const map = join(example, 'normalized.yaml');
  const dry = await bazaarOk(['import', source, '--map', map, '--dry-run'], env);
  assert.match(dry, /12 read, 7 inserted, 0 updated, 0 unchanged, 5 rejected/);
  const out = await bazaarOk(['import', source, '--map', map], env);
  assert.match(
    out,
    /imported into the cassandra catalog: 12 read, 7 inserted, 0 updated, 0 unchanged, 5 rejected/,
  );
  const rejects = (await readFile(`${source}.rejects.jsonl`, 'utf8')).trim().split('\n');
  assert.deepEqual(
    rejects.map((l) => (JSON.parse(l) as { source_key: number }).source_key),
    [7, 8, 9, 10, 11],
  );
  // Through nginx, with morphology: "сумки" finds both bags (among the demo catalog's).
  const found = await entry.get(`/api/v1/products?search=${encodeURIComponent('сумки')}&limit=100`);
  const skus = found.body.items.map((p: { sku: string }) => p.sku);
  assert.ok(skus.includes('BAG-001') && skus.includes('BAG-002'), skus.join(', '));
  // The ring's whole catalog exported and imported again: every product unchanged, none created.
  const exported = join(dir, 'ring.sqlite');
  const written = await bazaarOk(['export', exported], env);
  const count = Number(/(\d+) products of the cassandra catalog/.exec(written)?.[1]);
  assert.ok(count >= 207, written);
  const dryAgain = await bazaarOk(['import', exported, '--dry-run'], env);
  assert.match(dryAgain, new RegExp(`${count} read, 0 inserted, 0 updated, ${count} unchanged, 0 rejected`));
  const again = await bazaarOk(['import', exported], env);
  assert.match(again, new RegExp(`${count} read, 0 inserted, 0 updated, ${count} unchanged, 0 rejected`));
});

test('an import into the ring killed half-way (SIGKILL) resumes: every product exactly once', async (t) => {
  const env = await storeEnv();
  const source = join(dir, 'demo-7.sqlite');
  await bazaarOk(['export', source, '--demo', '--products', '3000', '--seed', '7']);
  const child = spawn(process.execPath, [BIN, 'import', source, '--batch-size', '100'], {
    env: testEnv(env),
    stdio: 'ignore',
  });
  const sql = new pg.Client({ connectionString: env.DATABASE_URL });
  await sql.connect();
  try {
    for (;;) {
      // The import makes the table on its start (migrations): absent until then.
      const rows = await sql
        .query<{ batch: number }>('SELECT batch FROM catalog_import_checkpoint')
        .then((r) => r.rows)
        .catch(() => []);
      if ((rows[0]?.batch ?? 0) >= 3) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const started = Date.now();
    const out = await bazaarOk(['import', source, '--resume', '--batch-size', '100'], env);
    t.diagnostic(out.trim());
    assert.match(out, /3000 read \(resumed after \d+\)/);
    const seconds = (Date.now() - started) / 1000;
    t.diagnostic(`resumed run: ${seconds.toFixed(1)} s`);
    // Every sku of the source once among the live products, in PostgreSQL's copy and in the ring.
    const { rows } = await sql.query<{ n: number; skus: number }>(
      "SELECT count(*)::int AS n, count(DISTINCT sku)::int AS skus FROM products WHERE deleted_at IS NULL AND sku LIKE 'S7-%'",
    );
    assert.deepEqual(rows[0], { n: 3000, skus: 3000 });
    const listed = await entry.get('/api/v1/products?limit=1');
    assert.ok(listed.body.total >= 3207, String(listed.body.total));
  } finally {
    await sql.end();
  }
});
