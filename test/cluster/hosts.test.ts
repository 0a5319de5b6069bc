import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { portAnswers, run } from '../../src/platform/processes.js';
import { bazaar, bazaarOk, smallLoad } from '../support/cli.js';
import type { ComponentStatus } from '../../src/cluster/results.js';
import { hostPlacementUnavailable } from '../support/host-placement.js';
import { Client } from '../support/http.js';
import { assertContractThrough } from '../support/contract.js';
import { newCustomer, newProduct } from '../support/app.js';
import { CheckoutTraffic, failureSummary } from '../support/traffic.js';
import { nemesisDrill, nemesisSeed, writerDrill } from '../support/drills.js';
import { logIn } from '../../src/lab/history/accounts.js';
import { readBack } from '../../src/lab/history/history-rules.js';

// Host placement: every component in a network namespace of its own, with its own address on the
// cluster's bridge and a CPU quota. Needs root and network namespaces; skipped, saying why, without.
const BASE_PORT = Number(process.env.BAZAAR_TEST_BASE_PORT ?? 23000) + 5000;

type Component = ComponentStatus;

const skip = await hostPlacementUnavailable();
if (skip) process.stdout.write(`# host placement skipped: ${skip}\n`);

describe('cluster in host placement', { skip }, () => {
  let dir: string;
  let components: Component[];
  let entrypoints: string[];
  const cli = (...args: string[]) => bazaarOk(['cluster', ...args, '--dir', dir]);
  /** The cluster's state, a client of the first entrypoint and an admin token through it. */
  const adminSession = async () => {
    const state = JSON.parse(await readFile(join(dir, 'cluster.json'), 'utf8'));
    const api = new Client(entrypoints[0]!);
    return { state, api, admin: await logIn(api, 'admin@bazaar.local', state.adminPassword) };
  };
  /**
   * Reads `path` through every entrypoint, each waited for through a moment of 5xx (a healed
   * nginx may answer 503 while the instances it marked failed when cut off are retried); a
   * failure names what `status` says of the cluster.
   */
  const readThroughEvery = async (path: string, token?: string) => {
    const replies = [];
    for (const entrypoint of entrypoints) {
      const reply = await readBack(new Client(entrypoint), path, token).catch(async (error: Error) => {
        throw new Error(`${entrypoint}: ${error.message}\n${await cli('status')}`);
      });
      replies.push(reply);
    }
    return replies;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bazaar-hosts-'));
    await cli(
      'up',
      '--no-observability',
      '--placement',
      'hosts',
      '--host-cpu',
      'api=0.35,postgres=0.3',
      '--link-rate',
      '1gbit',
      '--redis',
      '3',
      '--base-port',
      String(BASE_PORT),
      '--seed-products',
      '300',
    );
    const status = JSON.parse(await cli('status', '--json'));
    components = status.components;
    entrypoints = status.entrypoints;
  });

  after(async () => {
    if (dir) {
      await bazaar(['cluster', 'down', '--dir', dir]);
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('every component is up on a host of its own, at its address on 198.18.0.0/15 with its standard port', async () => {
    assert.equal(components.length, 14);
    const addresses = new Set(components.map((c) => c.address.split(':')[0]));
    assert.equal(addresses.size, components.length, 'one address per component');
    for (const c of components) {
      assert.equal(c.state, 'up', c.name);
      assert.match(c.host, /^bz\d+-/);
      assert.match(c.address, /^198\.1[89]\.\d+\.\d+:\d+$/);
      assert.ok(existsSync(`/var/run/netns/${c.host}`), `${c.host} exists`);
    }
    const ports = Object.fromEntries(components.map((c) => [c.kind, Number(c.address.split(':')[1])]));
    assert.deepEqual(ports, {
      postgres: 5432,
      pgpool: 9999,
      redis: 6379,
      sentinel: 26379,
      api: 8080,
      nginx: 80,
    });
  });

  test('nothing listens on loopback: a component is reachable only at its host address', async () => {
    for (const c of components) {
      const [host, port] = c.address.split(':');
      assert.ok(await portAnswers(Number(port), host), `${c.name} at ${c.address}`);
      assert.ok(!(await portAnswers(Number(port), '127.0.0.1')), `${c.name} not on 127.0.0.1:${port}`);
    }
  });

  test('each host runs under its quota and on a shaped link: read back from the kernel, the server inside its cgroup', async () => {
    const state = JSON.parse(await readFile(join(dir, 'cluster.json'), 'utf8'));
    for (const c of components) {
      const cgroup = `/sys/fs/cgroup/cpu/bazaar-${BASE_PORT}/${c.kind}-${c.name.split(':')[1]}`;
      const quota = Number(await readFile(`${cgroup}/cpu.cfs_quota_us`, 'utf8')) / 100_000;
      assert.equal(quota, state.hosts[c.name].cpu, c.name);
      if (c.kind === 'api') assert.equal(quota, 0.35);
      if (c.kind === 'postgres') assert.equal(quota, 0.3);
      const procs = (await readFile(`${cgroup}/cgroup.procs`, 'utf8')).split('\n').map(Number);
      assert.ok(procs.includes(c.pid ?? -1), `${c.name} (pid ${c.pid}) runs in its cgroup`);
      const link = `bz${BASE_PORT}${{ postgres: 'pg', pgpool: 'pp', api: 'ap', nginx: 'ng', redis: 'rd', sentinel: 'sn' }[c.kind]}${c.name.split(':')[1]}`;
      assert.match(
        await run('tc', ['qdisc', 'show', 'dev', link]),
        /tbf .*rate 1Gbit/,
        `${c.name}'s link is shaped`,
      );
    }
  });

  // Through one nginx (the other has the same configuration): the contract holds across
  // simulated hosts, quotas and shaped links.
  test('an entrypoint serves the whole docs/api.md contract', () =>
    assertContractThrough(entrypoints[0]!, dir));

  test('a partitioned API host is passed over by nginx; healed, it serves again', async () => {
    await cli('partition', 'api:0');
    const api = new Client(entrypoints[0]!);
    const during = await Promise.all(Array.from({ length: 10 }, () => api.get('/api/v1/products?limit=1')));
    assert.deepEqual(
      during.map((r) => r.status),
      Array(10).fill(200),
    );
    assert.ok(during.every((r) => r.headers.get('x-served-by') === 'api:1'));
    await cli('heal', 'api:0');
    const servedBy = new Set<string>();
    for (let i = 0; i < 60 && !servedBy.has('api:0'); i++) {
      servedBy.add((await api.get('/health')).headers.get('x-served-by') ?? '');
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(servedBy.has('api:0'), 'api:0 answers again after heal');
  });

  test('every API host cut off at once: nginx answers its own 503 within its bound; healed, the next request is served', async () => {
    await cli('partition', 'api:0');
    await cli('partition', 'api:1');
    // Enough requests through each nginx that it sets every instance aside (three failures each).
    const during = await Promise.all(
      entrypoints.flatMap((e) => Array.from({ length: 4 }, () => new Client(e, 9000).get('/health'))),
    );
    await cli('heal', 'api:0');
    await cli('heal', 'api:1');
    assert.deepEqual(
      during.map((r) => [r.status, r.body.type, r.headers.get('retry-after')]),
      during.map(() => [503, 'https://bazaar.dev/problems/unavailable', '1']),
    );
    for (const entrypoint of entrypoints)
      assert.equal(
        (await new Client(entrypoint).get('/health')).status,
        200,
        `${entrypoint} right after the heal`,
      );
  });

  test('postgres:1 cut off under checkout traffic, then healed (re-synced on its own host): nothing acknowledged is lost', async () => {
    const { api, admin } = await adminSession();
    const product = await newProduct(api, admin, { stock: 100_000 });
    const shoppers = await Promise.all(Array.from({ length: 4 }, () => newCustomer(api)));
    const traffic = new CheckoutTraffic(entrypoints, shoppers, product.id);
    traffic.start(4);
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    await pause(1500);
    await cli('partition', 'postgres:1');
    await pause(4000);
    await cli('heal', 'postgres:1');
    await pause(1000);
    const report = await traffic.stop();
    process.stdout.write(
      `# hosts, postgres:1 partitioned 4 s: ${report.attempts} attempts, ${report.failedAttempts} failed ` +
        `(${JSON.stringify(report.failuresByStatus)}), ${report.acknowledged.size} orders acknowledged\n`,
    );
    assert.equal(report.unresolved, 0, `every checkout got a definite answer; ${failureSummary(report)}`);
    assert.equal(report.failuresByStatus['500'] ?? 0, 0);
    assert.ok(report.acknowledged.size > 0);
    for (const reply of await readThroughEvery(`/api/v1/products/${product.id}`))
      assert.equal(
        reply.body.stock,
        100_000 - report.acknowledged.size,
        'stock = initial - acknowledged orders',
      );
    assert.match(await cli('verify'), /backends agree/);
  });

  // pgpool:0, nginx:0 and the Redis primary cut off under traffic: the same drills run in machine
  // placement (test/cluster/machines.test.ts), through the same kinds; the nemesis below cuts
  // off any of them here.

  test('the main node cut off under traffic: the other backend serves, writes back within 10 s, nothing acknowledged lost; healed, it is re-synced', async () => {
    const { admin } = await adminSession();
    const drill = await writerDrill({
      dir,
      mode: 'native',
      entrypoints,
      admin,
      fault: 'partition',
      downMs: 5000,
    });
    process.stdout.write(
      `# hosts, native: ${drill.victim} partitioned 5 s: writes stopped for at most ${(drill.writeGapMs / 1000).toFixed(1)} s; ` +
        `${drill.attempts} attempts, failed ${JSON.stringify(drill.failuresByStatus)}\n`,
    );
  });

  test('a seeded nemesis of kills and partitions over every component (backends, pgpool-II, API, nginx, Redis, Sentinel): no anomaly', async () => {
    await nemesisDrill(dir, {
      seed: nemesisSeed(31),
      duration: '40s',
      faults: 'kill,partition',
      label: 'hosts, native',
    });
  });

  test('bazaar load runs its workers on client hosts of their own, removed afterwards', async () => {
    const result = await smallLoad(dir);
    assert.ok(result.totals.count > 0);
    // Client hosts are numbered from .100 on the cluster's network; nginx writes its log within 1 s.
    const prefix = entrypoints[0]!
      .replace(/^http:\/\//, '')
      .split('.')
      .slice(0, 3)
      .join('.');
    const clients = new Set<string>();
    for (let i = 0; i < 40 && clients.size === 0; i++) {
      for (const n of ['nginx-0', 'nginx-1']) {
        const log = await readFile(join(dir, n, 'access.log'), 'utf8').catch(() => '');
        for (const line of log.split('\n')) {
          const from = line.split(' ')[0] ?? '';
          if (from.startsWith(`${prefix}.`) && Number(from.split('.')[3]) >= 100) clients.add(from);
        }
      }
      if (clients.size === 0) await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(clients.size >= 1, `requests came from client hosts (${[...clients].join(', ')})`);
    assert.doesNotMatch(await run('ip', ['netns', 'list']), /-client-/);
  });

  test('down removes every namespace, link, cgroup and process it made', async () => {
    await cli('down');
    const namespaces = await run('ip', ['netns', 'list']);
    assert.doesNotMatch(namespaces, new RegExp(`bz${BASE_PORT}-`));
    const links = await run('ip', ['-o', 'link', 'show']);
    assert.doesNotMatch(links, new RegExp(`bz${BASE_PORT}`));
    assert.ok(!existsSync(`/sys/fs/cgroup/cpu/bazaar-${BASE_PORT}`));
    for (const c of components) assert.ok(!existsSync(`/proc/${c.pid}`), `${c.name} stopped`);
  });
});
