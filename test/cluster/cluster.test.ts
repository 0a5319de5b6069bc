import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { bazaar, bazaarOk } from '../support/cli.js';
import { Client } from '../support/http.js';
import { newCustomer } from '../support/app.js';
import { racingCheckouts, servedByEvery, shoppingFlowThroughEach } from '../support/cluster-checks.js';
import { writerDrill } from '../support/drills.js';
import { assertContractThrough } from '../support/contract.js';
import { registerTortureTests } from '../support/torture.js';
import { failuresOf, fuzzApi } from '../support/schemathesis.js';
import { connect } from 'node:net';
import { sleep } from '../../src/platform/processes.js';
import { NGINX_CONNECTIONS_PER_ADDRESS } from '../../src/cluster/nginx.js';

// The replicated topology as real processes: pgpool-II over two PostgreSQL backends, two API
// instances behind two nginx, on loopback. One cluster per mode, on its own base port, so it
// coexists with a manual cluster on the default ports.
const BASE_PORT = Number(process.env.BAZAAR_TEST_BASE_PORT ?? 23000);

interface Status {
  entrypoints: string[];
  components: Array<{ name: string; pid: number | null; address: string; state: string }>;
}

// Native replication; streaming mode has the same checks on simulated hosts, one cluster for all
// of them and its failover drills (failover.test.ts). BAZAAR_TEST_MODES picks among these.
const MODES: ReadonlyArray<readonly [number, 'native' | 'streaming']> = [[0, 'native']];

for (const [offset, mode] of MODES.filter(
  ([, m]) => !process.env.BAZAAR_TEST_MODES || process.env.BAZAAR_TEST_MODES.split(',').includes(m),
)) {
  describe(`cluster in ${mode} mode`, () => {
    let dir: string;
    let status: Status;
    let admin: string;
    const cli = (...args: string[]) => bazaarOk(['cluster', ...args, '--dir', dir]);

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), `bazaar-cluster-${mode}-`));
      // A product cache TTL far longer than any wait here: a change seen sooner came by the feed.
      await bazaarOk(
        [
          'cluster',
          'up',
          '--no-observability',
          '--dir',
          dir,
          '--pg-mode',
          mode,
          '--base-port',
          String(BASE_PORT + offset),
          '--seed-products',
          '300',
        ],
        { BAZAAR_PRODUCT_CACHE_TTL: '60s' },
      );
      status = JSON.parse(await cli('status', '--json')) as Status;
      const state = JSON.parse(
        await import('node:fs/promises').then((fs) => fs.readFile(join(dir, 'cluster.json'), 'utf8')),
      );
      const login = await new Client(status.entrypoints[0]!).post('/api/v1/auth/token', {
        body: { email: 'admin@bazaar.local', password: state.adminPassword },
      });
      admin = login.body.token;
    });

    after(async () => {
      const before = JSON.parse(await cli('status', '--json').catch(() => '{"components":[]}')) as Status;
      await bazaar(['cluster', 'down', '--dir', dir]);
      // down leaves nothing running: every pid the cluster had is gone.
      for (const c of before.components) {
        if (c.pid)
          assert.throws(() => process.kill(c.pid!, 0), `${c.name} (pid ${c.pid}) still running after down`);
      }
      // BAZAAR_TEST_KEEP=1 keeps the logs and data of the cluster for a look afterwards.
      if (!process.env.BAZAAR_TEST_KEEP) await rm(dir, { recursive: true, force: true });
      else process.stdout.write(`# cluster files kept in ${dir}\n`);
    });

    test('all 8 components are up; status --json has the contract shape', () => {
      assert.equal(status.components.length, 8);
      assert.deepEqual(
        status.components.map((c) => c.name),
        ['postgres:0', 'postgres:1', 'pgpool:0', 'pgpool:1', 'api:0', 'api:1', 'nginx:0', 'nginx:1'],
      );
      for (const c of status.components) {
        assert.equal(c.state, 'up', c.name);
        assert.ok(c.pid && c.pid > 0);
        assert.match(c.address, /^127\.0\.0\.1:\d+$/);
      }
      assert.equal(status.entrypoints.length, 2);
    });

    test('a shopping flow through each nginx', () => shoppingFlowThroughEach(status.entrypoints, admin));

    // Through one entrypoint: the other nginx has the same configuration, and the shopping flow
    // above goes through each.
    test('an entrypoint serves the whole docs/api.md contract (the contract suite, through nginx)', () =>
      assertContractThrough(status.entrypoints[1]!, dir));

    test(
      'Schemathesis through nginx, as a customer and as an admin: every check, every phase, no failure',
      { skip: mode === 'native' ? undefined : 'run once, on the native cluster', timeout: 1_200_000 },
      async () => {
        const customer = await newCustomer(new Client(status.entrypoints[0]!));
        for (const [who, url, token] of [
          ['a customer', status.entrypoints[0]!, customer.token],
          ['an admin', status.entrypoints[1]!, admin],
        ] as const) {
          const run = await fuzzApi(url, token, 50);
          process.stdout.write(
            `# schemathesis as ${who} through ${url}: ${/Test cases:\s*\n\s*(.+)/.exec(run.output)?.[1]}\n`,
          );
          assert.equal(run.code, 0, failuresOf(run));
          assert.doesNotMatch(run.output, /Failures:/);
        }
        // The operators' account survived both runs.
        const state = JSON.parse(await readFile(join(dir, 'cluster.json'), 'utf8'));
        const logIn = () =>
          new Client(status.entrypoints[0]!).post('/api/v1/auth/token', {
            body: { email: 'admin@bazaar.local', password: state.adminPassword },
          });
        let login = await logIn();
        // The fuzzer, from this address, may have tripped the login throttle for this email.
        if (login.status === 429) {
          await sleep(Number(login.headers.get('retry-after')) * 1000);
          login = await logIn();
        }
        assert.equal(login.body.user?.role, 'admin');
        admin = login.body.token;
      },
    );

    test(
      'nginx: no version banner, a client that trickles its request is cut off, connections limited per address',
      { skip: mode === 'native' ? undefined : 'run once, on the native cluster' },
      async () => {
        const url = new URL(status.entrypoints[0]!);
        const reply = await fetch(`${url.origin}/no/such/path`);
        assert.equal(reply.headers.get('server'), 'nginx');
        // Half a request line, then silence: nginx closes the connection itself (client_header_timeout).
        const closedBy = await new Promise<string>((resolve) => {
          const socket = connect(Number(url.port), url.hostname, () =>
            socket.write('GET /health HTTP/1.1\r\nHo'),
          );
          socket.on('data', () => undefined);
          socket.on('close', () => resolve('nginx'));
          setTimeout(() => {
            resolve('nobody');
            socket.destroy();
          }, 30_000).unref();
        });
        assert.equal(closedBy, 'nginx');
        const conf = await readFile(join(dir, 'nginx-0', 'nginx.conf'), 'utf8');
        assert.match(conf, new RegExp(`limit_conn bazaar_per_address ${NGINX_CONNECTIONS_PER_ADDRESS};`));
        assert.match(conf, /server_tokens off;/);
      },
    );

    test('a write through one pgpool is visible through the other and on every backend', async () => {
      const api = new Client(status.entrypoints[0]!);
      const shopper = await newCustomer(api);
      const pgpools = status.components.filter((c) => c.name.startsWith('pgpool:'));
      const backends = status.components.filter((c) => c.name.startsWith('postgres:'));
      const read = async (address: string) => {
        const [host, port] = address.split(':');
        const client = new pg.Client({ host, port: Number(port), user: 'postgres', database: 'bazaar' });
        await client.connect();
        try {
          return (await client.query('SELECT email FROM users WHERE id = $1', [shopper.id])).rows[0]?.email;
        } finally {
          await client.end();
        }
      };
      for (const c of [...pgpools, ...backends]) {
        let email: string | undefined;
        // A streaming standby may trail the primary for a moment.
        for (let i = 0; i < 50 && email === undefined; i++) {
          email = await read(c.address);
          if (email === undefined) await new Promise((r) => setTimeout(r, 100));
        }
        assert.equal(email, shopper.email, c.name);
      }
    });

    test('product cache: a change through one API instance reaches the other by the feed', async () => {
      const [api0, api1] = ['api:0', 'api:1'].map(
        (name) => new Client(`http://${status.components.find((c) => c.name === name)!.address}`),
      );
      const product = (
        await api0!.post('/api/v1/products', {
          token: admin,
          body: { sku: `cache-${mode}`, name: 'Cached', category: 'Тест', price: 100, stock: 10 },
        })
      ).body;
      const path = `/api/v1/products/${product.id}`;
      for (const api of [api0!, api1!]) {
        await api.get(path);
        assert.match((await api.get('/metrics')).body, /bazaar_product_cache_bypassing 0/);
      }
      assert.equal((await api0!.patch(path, { token: admin, body: { price: 150 } })).status, 200);
      assert.equal((await api0!.get(path)).body.price, 150, 'at once on the instance that changed it');
      const deadline = Date.now() + 20_000;
      let seen = (await api1!.get(path)).body.price;
      while (seen !== 150 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        seen = (await api1!.get(path)).body.price;
      }
      assert.equal(seen, 150, 'the other instance, well within the 60 s TTL');
      // Stock moved by an order on one instance: the other shows it too.
      const shopper = await newCustomer(api1!);
      const order = await api1!.post('/api/v1/orders', {
        token: shopper.token,
        headers: { 'idempotency-key': `cache-${mode}` },
        body: { items: [{ product_id: product.id, quantity: 4 }] },
      });
      assert.equal(order.status, 201);
      let stock = (await api0!.get(path)).body.stock;
      while (stock !== 6 && Date.now() < deadline + 20_000) {
        await new Promise((r) => setTimeout(r, 20));
        stock = (await api0!.get(path)).body.stock;
      }
      assert.equal(stock, 6);
      // A list page kept by api:1 (the listing cache) shows a product created through api:0.
      const category = `Кэш ${mode}`;
      const listPath = `/api/v1/products?category=${encodeURIComponent(category)}`;
      assert.equal((await api1!.get(listPath)).body.total, 0);
      const created = await api0!.post('/api/v1/products', {
        token: admin,
        body: { sku: `listing-${mode}`, name: 'Listed', category, price: 100, stock: 1 },
      });
      assert.equal(created.status, 201);
      let listed = (await api1!.get(listPath)).body;
      while (listed.total !== 1 && Date.now() < deadline + 40_000) {
        await new Promise((r) => setTimeout(r, 20));
        listed = (await api1!.get(listPath)).body;
      }
      assert.deepEqual(
        listed.items.map((p: { id: string }) => p.id),
        [created.body.id],
      );
    });

    test('racing checkouts through both nginx, then verify passes', async () => {
      await racingCheckouts(status.entrypoints, admin, `race-${mode}`);
      assert.match(await cli('verify'), /backends agree/);
    });

    describe('many users at once (the concurrency torture suite)', () => {
      registerTortureTests(() => ({ entrypoints: status.entrypoints, admin, dir }));
    });

    test(`kill the ${mode === 'streaming' ? 'primary' : 'main node'} under traffic: writes back within 10 s, nothing acknowledged lost, it rejoins${mode === 'streaming' ? ' as a standby' : ''}`, async () => {
      const drill = await writerDrill({
        dir,
        mode,
        entrypoints: status.entrypoints,
        admin,
        fault: 'kill',
        downMs: 5000,
      });
      process.stdout.write(
        `# ${mode}: ${drill.victim} killed: writes stopped for at most ${(drill.writeGapMs / 1000).toFixed(1)} s; ` +
          `${drill.attempts} attempts, failed ${JSON.stringify(drill.failuresByStatus)}, ${drill.acknowledged} orders acknowledged\n`,
      );
    });

    test('after the kill and its recovery, traffic reaches every API instance again', () =>
      servedByEvery(status.entrypoints, ['api:0', 'api:1']));
  });
}
