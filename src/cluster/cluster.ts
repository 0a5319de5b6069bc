import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { apiEnv, seedArgs, startApi } from './api-instance.js';
import {
  componentDir,
  componentName,
  count,
  hosts,
  parseComponentName,
  ports,
  type ComponentKind,
  type Topology,
} from './layout.js';
import { startNginx, writeNginxConfig } from './nginx.js';
import { recoverNode, startPgpool, writePgpoolConfig } from './pgpool.js';
import {
  createBackend,
  createStandby,
  crashBackend,
  PG_USER,
  postmasterPid,
  prepareBackend,
  startBackend,
  stopBackend,
  waitBackendReady,
} from './postgres-backend.js';
import { isAlive, portAnswers, run, signalGroup, stopGroup, waitUntil, type Owner } from './processes.js';
import { ensureSoftware, type Software } from './software.js';
import { makeReachable } from '../platform/reachable.js';
import { loadState, saveState, stateFile, type ClusterState } from './state.js';
import { verifyBackends, type VerifyResult } from './verify.js';
import { verifyRedis } from './redis-verify.js';
import { currentPrimaryPort, startRedisNode, startSentinel, waitSentinelsAgree } from './redis.js';
import { cassandraEnv, startCassandraNode, waitRingFormed } from './cassandra.js';
import { fetchCassandra } from './cassandra-software.js';

export interface ComponentStatus {
  name: string;
  kind: ComponentKind;
  index: number;
  pid: number | null;
  address: string;
  state: 'up' | 'down';
}

export interface ClusterStatus {
  entrypoints: string[];
  components: ComponentStatus[];
}

const KINDS: ComponentKind[] = ['postgres', 'pgpool', 'redis', 'sentinel', 'cassandra', 'api', 'nginx'];

function addressOf(t: Topology, kind: ComponentKind, i: number): string {
  return `${hosts.of(kind, i)}:${ports[kind](t, i)}`;
}

/** The replicated topology as local processes: started, inspected, broken and repaired by name. */
export class Cluster {
  private constructor(
    private state: ClusterState,
    private readonly sw: Software,
    private readonly owner: Owner | undefined,
    private readonly say: (line: string) => void,
  ) {}

  static async open(dir: string, say: (line: string) => void): Promise<Cluster> {
    const state = await loadState(dir);
    if (!state) throw new Error(`no cluster in ${resolve(dir)}: run \`bazaar cluster up\` first`);
    return new Cluster(state, await ensureSoftware(say), await postgresOwner(), say);
  }

  static async up(topology: Topology, say: (line: string) => void): Promise<Cluster> {
    const previous = await loadState(topology.dir);
    if (previous && Object.values(previous.pids).some(isAlive)) {
      throw new Error(
        `a cluster is already running in ${resolve(topology.dir)}: \`bazaar cluster down\` first`,
      );
    }
    if (topology.mode === 'snapshot') {
      // Tried here with pgpool-II 4.3.5: first sessions can hang in pgpool's catalog lookup, and
      // with two pgpools the contract suite left the backends with different users tables.
      // Refused up front rather than offered unsafe.
      throw new Error(
        '--pg-mode snapshot is not safe with pgpool-II 4.3 yet (backends diverged in tests); use native or streaming',
      );
    }
    const sw = await ensureSoftware(say);
    const state: ClusterState = {
      topology,
      secret: process.env.BAZAAR_AUTH_SECRET || randomBytes(24).toString('base64url'),
      adminPassword: process.env.BAZAAR_ADMIN_PASSWORD || randomBytes(12).toString('base64url'),
      pids: {},
      startedAt: new Date().toISOString(),
    };
    const cluster = new Cluster(state, sw, await postgresOwner(), say);
    await saveState(state);
    // PostgreSQL runs as the postgres user and must reach its folders below the cluster's.
    for (const dir of await makeReachable(resolve(topology.dir)))
      say(`added o+x to ${dir} for the postgres user`);
    try {
      await cluster.bringUp();
    } catch (error) {
      say(`cluster up failed: ${(error as Error).message}; stopping what was started`);
      await cluster.down().catch(() => undefined);
      throw error;
    }
    return cluster;
  }

  get topology(): Topology {
    return this.state.topology;
  }

  private async bringUp(): Promise<void> {
    const t = this.topology;
    const started = Date.now();
    const step = (what: string) =>
      this.say(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${what}`);
    // Cassandra's JVMs take the longest to start: they come up while PostgreSQL and pgpool-II do.
    const ring = this.bringUpCassandra(step);
    ring.catch(() => undefined);
    step(`PostgreSQL x${t.pg} (${t.mode})`);
    if (t.mode === 'streaming') {
      // One primary, prepared first; the standbys are base backups of it that follow its WAL.
      await createBackend(t, 0, this.sw, this.owner);
      await this.startComponent('postgres', 0);
      await prepareBackend(t, 0, this.sw);
      for (const i of range(t.pg).slice(1)) await createStandby(t, i, this.sw, this.owner);
      await Promise.all(
        range(t.pg)
          .slice(1)
          .map((i) => this.startComponent('postgres', i)),
      );
    } else {
      await Promise.all(range(t.pg).map((i) => createBackend(t, i, this.sw, this.owner)));
      await Promise.all(range(t.pg).map((i) => this.startComponent('postgres', i)));
      for (const i of range(t.pg)) await prepareBackend(t, i, this.sw);
    }
    step(`pgpool-II x${t.pgpool}`);
    for (const i of range(t.pgpool)) await writePgpoolConfig(t, i);
    await Promise.all(range(t.pgpool).map((i) => this.startComponent('pgpool', i)));
    await Promise.all(range(t.pgpool).map((i) => this.waitPgpoolServing(i)));
    await ring;
    step(
      `migrations and seed data (${t.seedProducts} products) through pgpool-II${count(t, 'cassandra') > 0 ? ' and Cassandra' : ''}`,
    );
    await run(process.execPath, seedArgs(t), {
      env: apiEnv(t, this.apiSecrets(), {
        LOG_LEVEL: 'warn',
        BAZAAR_STATE_DIR: join(resolve(t.dir), 'seed'),
        ...cassandraEnv(t),
      }),
    });
    if (count(t, 'redis') > 0) {
      step(
        `Redis x${count(t, 'redis')} (1 primary, ${count(t, 'redis') - 1} replicas), Sentinel x${count(t, 'sentinel')}`,
      );
      // A fresh start: no AOF, and no Sentinel state, from an earlier cluster in this folder.
      for (const kind of ['redis', 'sentinel'] as const)
        for (const i of range(count(t, kind)))
          await rm(componentDir(t, kind, i), { recursive: true, force: true });
      await this.startComponent('redis', 0);
      await Promise.all(
        range(count(t, 'redis'))
          .slice(1)
          .map((i) => this.startComponent('redis', i)),
      );
      await Promise.all(range(count(t, 'sentinel')).map((i) => this.startComponent('sentinel', i)));
      await waitSentinelsAgree(t);
    }
    step(`API x${t.api}`);
    for (const i of range(t.api)) await rm(componentDir(t, 'api', i), { recursive: true, force: true });
    await Promise.all(range(t.api).map((i) => this.startComponent('api', i)));
    step(`nginx x${t.nginx}`);
    for (const i of range(t.nginx)) await writeNginxConfig(t, i);
    await Promise.all(range(t.nginx).map((i) => this.startComponent('nginx', i)));
    step('up');
  }

  /** Node 0 (the seed) first, then the others together; returns when the ring is whole. */
  private async bringUpCassandra(step: (what: string) => void): Promise<void> {
    const t = this.topology;
    const nodes = count(t, 'cassandra');
    if (nodes === 0) return;
    await fetchCassandra(this.say);
    step(`Cassandra x${nodes} (starting in the background)`);
    for (const i of range(nodes)) await rm(componentDir(t, 'cassandra', i), { recursive: true, force: true });
    await this.startComponent('cassandra', 0);
    await Promise.all(
      range(nodes)
        .slice(1)
        .map((i) => this.startComponent('cassandra', i)),
    );
    await waitRingFormed(t);
    step(`Cassandra ring of ${nodes} formed`);
  }

  private saving: Promise<void> = Promise.resolve();

  /** Components start in parallel: their saves are queued, each writing the latest state. */
  private save(): Promise<void> {
    this.saving = this.saving.then(() => saveState(this.state));
    return this.saving;
  }

  private apiSecrets(): { secret: string; adminPassword: string } {
    return { secret: this.state.secret, adminPassword: this.state.adminPassword };
  }

  get adminPassword(): string {
    return this.state.adminPassword;
  }

  /**
   * Waits until pgpool i answers a query. A probe that takes long is left to finish on its own
   * (closing a session in the middle of pgpool's start-up can leave its child stuck), while the
   * next probe is made and the whole wait still ends after 90 s.
   */
  private async waitPgpoolServing(i: number): Promise<void> {
    const t = this.topology;
    const probe = async (): Promise<boolean> => {
      const client = new pg.Client({
        host: '127.0.0.1',
        port: ports.pgpool(t, i),
        user: PG_USER,
        database: 'bazaar',
      });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT 1');
        return true;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => undefined);
      }
    };
    await waitUntil(
      () => Promise.race([probe(), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000).unref())]),
      90_000,
      `pgpool:${i} serving queries`,
    );
  }

  private async startComponent(kind: ComponentKind, i: number): Promise<void> {
    try {
      await this.startOne(kind, i);
    } catch (error) {
      const where = componentDir(this.topology, kind, i);
      throw new Error(
        `${componentName(kind, i)} did not come up (${(error as Error).message}); its log is in ${where}`,
      );
    }
  }

  private async startOne(kind: ComponentKind, i: number): Promise<void> {
    const t = this.topology;
    let pid: number;
    switch (kind) {
      case 'postgres':
        pid = await startBackend(t, i, this.sw, this.owner);
        break;
      case 'pgpool':
        pid = await startPgpool(t, i, this.sw);
        break;
      case 'api':
        pid = await startApi(t, i, this.apiSecrets());
        break;
      case 'nginx':
        pid = await startNginx(t, i, this.sw);
        break;
      case 'redis':
        // Node 0 starts as the primary; any node started later follows the current primary.
        pid = await startRedisNode(
          t,
          i,
          this.state.pids['redis:0'] === undefined ? null : await currentPrimaryPort(t),
        );
        break;
      case 'sentinel':
        pid = await startSentinel(t, i);
        break;
      case 'cassandra':
        pid = await startCassandraNode(t, i);
        break;
    }
    this.state.pids[componentName(kind, i)] = pid;
    await this.save();
  }

  private pidOf(kind: ComponentKind, i: number): number | undefined {
    if (kind === 'postgres') return postmasterPid(this.topology, i);
    return this.state.pids[componentName(kind, i)];
  }

  async status(): Promise<ClusterStatus> {
    const t = this.topology;
    const components: ComponentStatus[] = [];
    for (const kind of KINDS) {
      for (const i of range(count(t, kind))) {
        const pid = this.pidOf(kind, i);
        const up = isAlive(pid) && (await portAnswers(ports[kind](t, i), hosts.of(kind, i)));
        components.push({
          name: componentName(kind, i),
          kind,
          index: i,
          pid: pid ?? null,
          address: addressOf(t, kind, i),
          state: up ? 'up' : 'down',
        });
      }
    }
    return { entrypoints: range(t.nginx).map((i) => `http://${addressOf(t, 'nginx', i)}`), components };
  }

  /** SIGKILL: a crash, with no chance to clean up. */
  async kill(name: string): Promise<void> {
    const { kind, index } = this.resolve(name);
    if (kind === 'postgres') crashBackend(this.topology, index);
    else {
      const pid = this.pidOf(kind, index);
      if (pid) signalGroup(pid, 'SIGKILL');
    }
    await waitUntil(() => !isAlive(this.pidOf(kind, index)), 10_000, `${name} gone`);
  }

  /** A graceful stop. */
  async stop(name: string): Promise<void> {
    const { kind, index } = this.resolve(name);
    await this.stopComponent(kind, index);
  }

  private async stopComponent(kind: ComponentKind, i: number): Promise<void> {
    if (kind === 'postgres') return stopBackend(this.topology, i);
    // pgpool: SIGINT is its fast shutdown; nginx: SIGQUIT drains; the API drains on SIGTERM;
    // Redis and Sentinel shut down cleanly on SIGTERM (Redis flushes its AOF).
    // Cassandra drains (flushes memtables) on SIGTERM, which takes longer.
    const signal: NodeJS.Signals = kind === 'pgpool' ? 'SIGINT' : kind === 'nginx' ? 'SIGQUIT' : 'SIGTERM';
    await stopGroup(this.pidOf(kind, i), signal, kind === 'cassandra' ? 45_000 : 15_000);
  }

  /** Brings a component back; a PostgreSQL backend is re-synced before pgpool-II uses it again. */
  async start(name: string): Promise<void> {
    const { kind, index } = this.resolve(name);
    if (
      isAlive(this.pidOf(kind, index)) &&
      (await portAnswers(ports[kind](this.topology, index), hosts.of(kind, index)))
    ) {
      throw new Error(`${name} is already running`);
    }
    if (kind === 'postgres') return this.recoverBackend(index);
    if (kind === 'nginx' && !existsSync(join(componentDir(this.topology, 'nginx', index), 'nginx.conf'))) {
      await writeNginxConfig(this.topology, index);
    }
    await this.startComponent(kind, index);
  }

  /** Online recovery through a live pgpool: a fresh copy of the main node, then re-attached. */
  private async recoverBackend(i: number): Promise<void> {
    const t = this.topology;
    const pool = range(t.pgpool).find((p) => isAlive(this.pidOf('pgpool', p)));
    if (pool === undefined) throw new Error('no pgpool-II is running to re-sync the backend through');
    this.say(`re-syncing postgres:${i} through pgpool:${pool} (online recovery)`);
    await recoverNode(t, pool, this.sw, i);
    await waitBackendReady(t, i, this.sw, this.owner);
  }

  /** PostgreSQL backends compared table by table, and the Redis replicas with their primary. */
  async verify(): Promise<VerifyResult> {
    const result = await verifyBackends(this.topology);
    if (count(this.topology, 'redis') === 0) return result;
    const redis = await verifyRedis(this.topology);
    const differences = [...result.differences, ...redis.differences];
    return { ...result, redis: redis.nodes, differences, ok: differences.length === 0 };
  }

  /** Stops everything `up` started, by pid, front to back; leaves logs and data in the folder. */
  async down(): Promise<void> {
    const t = this.topology;
    for (const kind of ['nginx', 'api', 'sentinel', 'redis', 'cassandra', 'pgpool', 'postgres'] as const) {
      await Promise.all(range(count(t, kind)).map((i) => this.stopComponent(kind, i)));
    }
    await rm(stateFile(t.dir), { force: true });
  }

  private resolve(name: string): { kind: ComponentKind; index: number } {
    const parsed = parseComponentName(name);
    if (!parsed || parsed.index >= count(this.topology, parsed.kind)) {
      throw new Error(`no component "${name}"; names look like postgres:0, pgpool:1, api:0, nginx:1`);
    }
    return parsed;
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

async function postgresOwner(): Promise<Owner | undefined> {
  if (userInfo().uid !== 0) return undefined;
  const passwd = await readFile('/etc/passwd', 'utf8');
  const line = passwd.split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('the postgres OS user is missing (the postgresql package creates it)');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
