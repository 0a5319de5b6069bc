import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, rm, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bazaar, bazaarOk, smallLoad } from '../support/cli.js';
import type { ComponentStatus } from '../../src/cluster/results.js';
import { Client } from '../support/http.js';
import { assertContractThrough } from '../support/contract.js';
import { newCustomer, newProduct } from '../support/app.js';
import { CartTraffic, CheckoutTraffic, failureSummary } from '../support/traffic.js';
import { writerDrill } from '../support/drills.js';
import {
  createTestMachines,
  leftoverProcesses,
  testMachinesUnavailable,
  type TestMachines,
} from '../support/test-machines.js';
import { logIn } from '../../src/lab/history/accounts.js';
import { readBack } from '../../src/lab/history/history-rules.js';
import { difference, scrapeRequestCounts } from '../../src/lab/server-counts.js';
import { clientRouteCounts } from '../../src/lab/load/summary.js';

// Machine placement: the launcher reaches each machine of an inventory over SSH alone. Here the
// machines are network namespaces, each with its own sshd and a private deploy root (see
// test/support/test-machines.ts): nothing the launcher writes here shows there.
const BASE_PORT = Number(process.env.BAZAAR_TEST_BASE_PORT ?? 23000) + 8000;

/** Which test machine runs what: a machine per server, so a partition cuts one server off. */
const GROUPS = {
  postgres: ['m0', 'm1'],
  pgpool: ['m2', 'm3'],
  api: ['m4', 'm5'],
  nginx: ['m6', 'm7'],
  redis: ['m8', 'm9', 'm10'],
  monitoring: ['m11'],
  load: ['m12', 'm13'],
  // One machine for the JVM servers and the notifier: their jars go there, nowhere else.
  cassandra: ['m14'],
  kafka: ['m14'],
  notifier: ['m14'],
};

type Component = ComponentStatus;

const skip = await testMachinesUnavailable();
if (skip) process.stdout.write(`# machine placement skipped: ${skip}\n`);

describe('cluster on inventory machines, over SSH', { skip }, () => {
  let machines: TestMachines;
  let dir: string;
  let components: Component[];
  let entrypoints: string[];
  const cli = (...args: string[]) => bazaarOk(['cluster', ...args, '--dir', dir]);
  const byMachine = (name: string) => machines.machines.find((m) => m.name === name)!;

  before(async () => {
    machines = await createTestMachines(BASE_PORT, 15);
    dir = await mkdtemp(join(tmpdir(), 'bazaar-machines-'));
    const inventory = join(dir, 'inventory.yaml');
    await writeFile(inventory, machines.inventory(GROUPS));
    const started = Date.now();
    await cli(
      'up',
      '--inventory',
      inventory,
      '--pg-mode',
      'streaming',
      '--base-port',
      String(BASE_PORT),
      '--seed-products',
      '300',
      '--seed-users',
      '50',
    );
    process.stdout.write(
      `# machines: cluster up on 13 machines in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    const status = JSON.parse(await cli('status', '--json'));
    components = status.components;
    entrypoints = status.entrypoints;
  });

  after(async () => {
    if (dir) await bazaar(['cluster', 'down', '--dir', dir]);
    await machines?.remove();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('every server runs on the machine its group names, at its address and standard port', () => {
    const ports: Record<string, number> = {
      postgres: 5432,
      pgpool: 9999,
      api: 8080,
      nginx: 80,
      redis: 6379,
      sentinel: 26379,
      prometheus: 9090,
      cassandra: 9042,
      kafka: 9092,
      notifier: 9100,
    };
    for (const c of components) {
      assert.equal(c.state, 'up', c.name);
      const index = Number(c.name.split(':')[1]);
      const group = (GROUPS as Record<string, string[]>)[c.kind === 'sentinel' ? 'redis' : c.kind];
      if (group) {
        assert.equal(c.host, group[index], `${c.name} on ${group[index]}`);
        assert.equal(c.address, `${byMachine(c.host).address}:${ports[c.kind]}`, c.name);
      }
    }
    assert.deepEqual(
      entrypoints,
      GROUPS.nginx.map((m) => `http://${byMachine(m).address}:80`),
    );
  });

  test('only what was sent over SSH is on a machine: the deploy root here is empty, each machine has its own', async () => {
    assert.deepEqual(await readdir(machines.root), [], 'nothing under the deploy root on this machine');
    const listing = await machines.sh('m0', `ls ${machines.root}/cluster-${BASE_PORT}`);
    assert.deepEqual(listing.split('\n').filter(Boolean).sort(), ['postgres-0', 'postgres-exporter-0']);
    const bundle = await machines.sh('m4', `ls ${machines.root}/bundle`);
    assert.match(bundle, /^[0-9a-f]{16}\n$/, 'the API machine holds one bundle');
    assert.equal(
      (await machines.sh('m0', `ls ${machines.root}/bundle 2>/dev/null | wc -l`)).trim(),
      '0',
      'no bundle where no Node.js process runs',
    );
    const log = await cli('logs', 'postgres:1', '--lines', '5');
    assert.ok(log.split('\n').filter(Boolean).length > 0, 'a log fetched from its machine');
  });

  for (const [i] of GROUPS.nginx.entries())
    test(`nginx:${i} serves the whole docs/api.md contract`, () =>
      assertContractThrough(entrypoints[i]!, dir));

  test('the primary killed, then cut off, under traffic: writes back within 10 s, nothing acknowledged lost', async () => {
    const state = JSON.parse(await readFile(join(dir, 'cluster.json'), 'utf8'));
    const admin = await logIn(new Client(entrypoints[0]!), 'admin@bazaar.local', state.adminPassword);
    for (const fault of ['kill', 'partition'] as const) {
      const drill = await writerDrill({ dir, mode: 'streaming', entrypoints, admin, fault, downMs: 4000 });
      process.stdout.write(
        `# machines: ${fault} of the primary (${drill.victim}): ${drill.attempts} attempts, failed ${JSON.stringify(drill.failuresByStatus)}, writes stopped ${(drill.writeGapMs / 1000).toFixed(1)} s\n`,
      );
    }
  });

  test('a standby, pgpool:0, api:0, nginx:0 and the Redis primary killed and cut off in turn under order and cart traffic: nothing acknowledged lost, every wait bounded', async () => {
    const state = JSON.parse(await readFile(join(dir, 'cluster.json'), 'utf8'));
    const api = new Client(entrypoints[0]!);
    const admin = await logIn(api, 'admin@bazaar.local', state.adminPassword);
    const product = await newProduct(api, admin, { stock: 100_000 });
    const buyers = await Promise.all(Array.from({ length: 3 }, () => newCustomer(api)));
    const carters = (await Promise.all(Array.from({ length: 3 }, () => newCustomer(api)))).map((c) => ({
      token: c.token,
      userId: c.id,
    }));
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const status = async () =>
      JSON.parse(await cli('status', '--json')).components as Array<Component & { role?: string }>;
    // Chosen at the moment of each drill: roles move with every failover.
    const victims = {
      standby: async () => (await status()).find((c) => c.kind === 'postgres' && c.role === 'standby')!.name,
      'pgpool:0': async () => 'pgpool:0',
      'api:0': async () => 'api:0',
      'nginx:0': async () => 'nginx:0',
      'redis primary': async () => {
        // `verify --json` lists each Redis node with its role.
        const nodes = JSON.parse(await cli('verify', '--json')).redis as Array<{
          name: string;
          role?: string;
        }>;
        return nodes.find((n) => n.role === 'primary')!.name;
      },
    };
    let ordered = 0;
    for (const [slot, pick] of Object.entries(victims))
      for (const fault of ['kill', 'partition'] as const) {
        const victim = await pick();
        const orders = new CheckoutTraffic(entrypoints, buyers, product.id);
        const carts = new CartTraffic(entrypoints, carters, product.id);
        orders.start(3);
        carts.start();
        await pause(1000);
        await cli(fault, victim);
        await pause(3000);
        await cli(fault === 'kill' ? 'start' : 'heal', victim);
        await pause(1000);
        const [o, c] = await Promise.all([orders.stop(), carts.stop()]);
        process.stdout.write(
          `# machines: ${fault} of ${slot} (${victim}): orders ${o.attempts} attempts, ${o.failedAttempts} failed ` +
            `${JSON.stringify(o.failuresByStatus)}, longest wait ${o.longestMs} ms; cart changes ${c.attempts} attempts, ` +
            `${c.failedAttempts} failed, longest wait ${c.longestMs} ms\n`,
        );
        for (const report of [o, c]) {
          assert.equal(
            report.unresolved,
            0,
            `${fault} ${victim}: a definite answer each; ${failureSummary(report)}`,
          );
          assert.equal(report.failuresByStatus['500'] ?? 0, 0, `${fault} ${victim}: no 500`);
          assert.ok(report.longestMs < 10_000, `${fault} ${victim}: longest wait ${report.longestMs} ms`);
        }
        assert.ok(o.acknowledged.size > 0, `${fault} ${victim}: orders went on`);
        ordered += o.acknowledged.size;
        for (const entrypoint of entrypoints) {
          const reply = await readBack(new Client(entrypoint), `/api/v1/products/${product.id}`);
          assert.equal(
            reply.body.stock,
            100_000 - ordered,
            `${fault} ${victim}: stock = initial - acknowledged`,
          );
        }
        for (const shopper of carters) {
          const reply = await readBack(api, `/api/v1/users/${shopper.userId}/cart`, shopper.token);
          const line = reply.body.items.find((i: { product_id: string }) => i.product_id === product.id);
          const held = String(line?.quantity);
          assert.ok(
            held === c.acknowledged.get(shopper.userId) || carts.unanswered.get(shopper.userId)?.has(held),
            `${fault} ${victim}: cart holds ${held}, last acknowledged ${c.acknowledged.get(shopper.userId)}`,
          );
        }
      }
    assert.match(await cli('verify'), /backends agree/);
  });

  test('Cassandra and Kafka run from jars sent to their machine alone; orders taken while the broker is down are each notified once it is back', async () => {
    const software = await machines.sh('m14', `ls ${machines.root}/software`);
    assert.match(software, /^cassandra-\d/m, "Cassandra's jars on its machine");
    assert.match(software, /^kafka-\d/m, "Kafka's jars on its machine");
    assert.equal((await machines.sh('m0', `ls ${machines.root}/software 2>/dev/null | wc -l`)).trim(), '0');
    // `verify` waits for every order event to be notified, and fails when one is missing or twice.
    const notified = async () =>
      Number(/(\d+) order events each notified once/.exec(await cli('verify'))?.[1]);
    const before = await notified();
    const state = JSON.parse(await readFile(join(dir, 'cluster.json'), 'utf8'));
    const api = new Client(entrypoints[0]!);
    const admin = await logIn(api, 'admin@bazaar.local', state.adminPassword);
    const product = await newProduct(api, admin, { stock: 1000 });
    const orders = new CheckoutTraffic(entrypoints, [await newCustomer(api)], product.id);
    await cli('kill', 'kafka:0');
    orders.start(1);
    await new Promise((r) => setTimeout(r, 3000));
    const o = await orders.stop();
    assert.ok(o.acknowledged.size > 0, `orders taken with the broker down; ${failureSummary(o)}`);
    await cli('start', 'kafka:0');
    const after = await notified();
    assert.ok(
      after >= before + o.acknowledged.size,
      `${before} events, then ${after} after ${o.acknowledged.size} orders`,
    );
  });

  test('bazaar load runs two workers on the load machines: their merged counts are what the API instances counted', async () => {
    const apis = components.filter((c) => c.kind === 'api').map((c) => `http://${c.address}`);
    const before = await scrapeRequestCounts(apis);
    const result = await smallLoad(dir);
    const server = difference(await scrapeRequestCounts(apis), before);
    assert.deepEqual(server, clientRouteCounts(result), 'per route: nothing lost, nothing invented');
    assert.deepEqual(
      result.workers!.map((w) => w.where),
      GROUPS.load,
    );
    for (const w of result.workers!) {
      assert.ok(w.count > 0 && w.errors === 0, JSON.stringify(w));
      assert.ok(w.headroom_pct >= 0 && w.headroom_pct <= 100 && w.machine_cores >= 1, JSON.stringify(w));
    }
    assert.equal(
      result.workers!.reduce((n, w) => n + w.count, 0),
      result.totals.count,
    );
    // The workers ran there: the load machines hold the bundle, and nothing of theirs is left running.
    assert.match(await machines.sh('m12', `ls ${machines.root}/bundle`), /^[0-9a-f]{16}\n$/);
    assert.deepEqual(await leftoverProcesses([byMachine('m12'), byMachine('m13')]), []);
  });

  test('down leaves no process, packet filter rule or file on any machine', async () => {
    await cli('down');
    assert.deepEqual(await leftoverProcesses(machines.machines), []);
    for (const m of machines.machines) {
      assert.equal(
        (await machines.sh(m.name, `find ${machines.root} -mindepth 1 | head -5`)).trim(),
        '',
        m.name,
      );
      assert.doesNotMatch(await machines.sh(m.name, 'nft list ruleset'), /bazaar/, m.name);
    }
  });
});
