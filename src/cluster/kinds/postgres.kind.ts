import { rate } from '../monitoring.js';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { makeReachable } from '../../platform/reachable.js';
import { osUser, portAnswers, waitUntil, type Owner } from '../../platform/processes.js';
import { machineOf } from '../machines/machine-of.js';
import { answerRecoveryRequests } from '../machines/machine-recovery.js';
import { range, type KindContext, defineKind } from '../kind.js';
import { componentDir, isHosts, isMachines, countOf } from '../layout.js';
import { at } from '../addresses.js';
import {
  crashBackend,
  createBackend,
  createStandby,
  PG_USER,
  START_REQUEST,
  postmasterPid,
  prepareBackend,
  startBackend,
  stopBackend,
  waitBackendReady,
} from '../postgres-backend.js';
import { recoverNode } from '../pgpool.js';
import { syncStandbysAtStart } from '../failover-scripts.js';
import { postgresPathsOn, postgresVersion } from '../requirements.js';
import { verifyBackends } from '../verify.js';
import { verifyOrderEvents } from '../events-verify.js';
import { backendRoles, verifyWriters } from '../writers.js';
import { isAttached, poolNodes, statusAge } from '../pool-nodes.js';
import type { Topology } from '../layout.js';

/**
 * As root, PostgreSQL runs as the postgres OS user (Debian's package creates it). On machines of
 * their own (reached as root, or through sudo) it is named: its ids there are that machine's.
 */
async function serverOwner(t: Topology): Promise<Owner | undefined> {
  if (isMachines(t)) return { uid: -1, gid: -1, name: PG_USER };
  if (process.getuid?.() !== 0) return undefined;
  const owner = await osUser(PG_USER);
  if (!owner) throw new Error('the postgres OS user is missing (the postgresql package creates it)');
  return owner;
}

/**
 * Online recovery in streaming mode copies the primary and refuses a standby: a former primary
 * started again while its failover is still under way (pgpool-II's instances agreeing, a standby
 * being promoted) waits for the new primary instead of failing.
 */
async function untilAnotherPrimary(t: Topology, pool: number, i: number): Promise<void> {
  await waitUntil(
    async () =>
      (await poolNodes(at(t, 'pgpool', pool)).catch(() => [])).some(
        (n) => n.role === 'primary' && isAttached(n) && n.node_id !== String(i),
      ),
    60_000,
    `a primary other than postgres:${i} (the failover under way)`,
  );
}

/**
 * pgpool-II 4.3 restarts its PCP process about a second after it detaches a backend, and that
 * restart waits for every PCP worker. An online recovery started in that second holds the detach
 * open: the recovery's failback then waits 5 s for a wake-up that cannot come, and pgpool-II lets
 * clients back in before the recovered backend is attached, so a write of that moment reached the
 * main node only (the native soak, seed 4242: a cancellation notified, then gone with the next
 * re-sync). Online recovery starts once the detach is at least 3 s old; a backend pgpool-II
 * never detached (back before its health check noticed) is recovered after 15 s, as before.
 */
async function untilDetachSettled(t: Topology, pool: number, i: number): Promise<void> {
  await waitUntil(
    async () => {
      const node = (await poolNodes(at(t, 'pgpool', pool)).catch(() => [])).find(
        (n) => n.node_id === String(i),
      );
      const age = node && statusAge(node);
      return node !== undefined && !isAttached(node) && (age === undefined || age >= 3);
    },
    15_000,
    `pgpool:${pool} settled after detaching postgres:${i}`,
  ).catch(() => undefined);
}

/** PostgreSQL backends: multi-master under pgpool-II (native), or a primary and hot standbys. */
export const postgresKind = defineKind({
  name: 'postgres',
  title: 'PostgreSQL',
  dependsOn: [],
  countOption: {
    flag: '--pg <n>',
    description: 'PostgreSQL backends, 1..5',
    min: 1,
    max: 5,
    default: 2,
  },
  ports: { postgres: { offset: 100, standard: 5432 } },
  // Every PostgreSQL session loads the hunspell dictionaries (~35 MB): room for the pgpool children.
  host: { block: 10, code: 'pg', cpu: 0.35, memoryBytes: 3 * 2 ** 30 },
  panels: [
    {
      title: 'PostgreSQL commits per second, per backend',
      dashboard: 'databases',
      expr: rate('pg_stat_database_xact_commit', 'component', 'datname="bazaar"'),
      unit: 'ops',
      legend: '{{component}}',
    },
    {
      title: 'PostgreSQL sessions, per backend',
      dashboard: 'databases',
      expr: 'sum by (component) (pg_stat_database_numbackends{datname="bazaar"})',
      unit: 'short',
      legend: '{{component}}',
    },
  ],
  alertRules: (t) => [
    {
      alert: 'PostgresDown',
      expr: 'pg_up == 0',
      for: '6s',
      severity: 'critical',
      summary: 'the exporter beside {{ $labels.component }} cannot reach its PostgreSQL',
    },
    ...(countOf(t, 'postgres') > 1
      ? [
          {
            alert: 'BackendsDiffer',
            expr: 'bazaar_pgpool_backends_differing_tables > 0',
            for: '20s',
            severity: 'critical' as const,
            summary: "the PostgreSQL backends' row counts differ in {{ $value }} tables",
          },
        ]
      : []),
  ],
  count: (t) => countOf(t, 'postgres'),
  address: (t, i) => at(t, 'postgres', i),
  requirements: () => [
    { name: 'PostgreSQL server', packages: () => ['postgresql'], find: () => postgresVersion() },
  ],

  async up(ctx) {
    const t = ctx.topology;
    const pg = await postgresPathsOn(machineOf(t, 'postgres', 0));
    const owner = await serverOwner(t);
    ctx.step(`PostgreSQL x${countOf(t, 'postgres')} (${t.mode})`);
    // PostgreSQL runs as the postgres user and must reach its folders below the cluster's.
    if (owner && !isMachines(t))
      for (const dir of await makeReachable(resolve(t.dir)))
        ctx.say(`added o+x to ${dir} for the postgres user`);
    if (t.mode === 'streaming') {
      // One primary, prepared first; the standbys are base backups of it that follow its WAL.
      await createBackend(t, 0, pg, owner);
      await ctx.startInstance(this, 0);
      await prepareBackend(t, 0, pg);
      const standbys = range(countOf(t, 'postgres')).slice(1);
      for (const i of standbys) await createStandby(t, i, pg, owner);
      await Promise.all(standbys.map((i) => ctx.startInstance(this, i)));
      await machineOf(t, 'postgres', 0).run('/bin/sh', ['-c', syncStandbysAtStart(t, join(pg.bin, 'psql'))]);
    } else {
      await Promise.all(range(countOf(t, 'postgres')).map((i) => createBackend(t, i, pg, owner)));
      await Promise.all(range(countOf(t, 'postgres')).map((i) => ctx.startInstance(this, i)));
      for (const i of range(countOf(t, 'postgres'))) await prepareBackend(t, i, pg);
    }
  },

  async start(ctx, i) {
    const t = ctx.topology;
    return startBackend(t, i, await postgresPathsOn(machineOf(t, 'postgres', i)), await serverOwner(t));
  },
  // The postmaster's pid file is the truth: online recovery restarts the server under a new pid.
  pid: (ctx, i) => postmasterPid(ctx.topology, i),
  crash: (ctx, i) => crashBackend(ctx.topology, i),
  stop: (ctx, i) => stopBackend(ctx.topology, i),

  /** Online recovery through a live pgpool: a fresh copy of the main node, then re-attached. */
  async restart(ctx: KindContext, i: number) {
    const t = ctx.topology;
    // One that answers: a pgpool-II cut off from the network is alive but cannot be asked.
    const answering = await Promise.all(
      range(countOf(t, 'pgpool')).map(
        async (p) =>
          (await machineOf(t, 'pgpool', p).isAlive(ctx.pids[`pgpool:${p}`])) &&
          (await portAnswers(at(t, 'pcp', p).port, at(t, 'pcp', p).host)),
      ),
    );
    const pool = answering.indexOf(true);
    if (pool < 0) throw new Error('no pgpool-II answers to re-sync the backend through');
    if (t.mode === 'streaming') await untilAnotherPrimary(t, pool, i);
    await untilDetachSettled(t, pool, i);
    ctx.say(`re-syncing postgres:${i} through pgpool:${pool} (online recovery)`);
    const pg = await postgresPathsOn(machineOf(t, 'postgres', i));
    if (isMachines(t)) {
      await answerRecoveryRequests(t, i, recoverNode(t, pool, i), {
        pg,
        owner: await serverOwner(t),
        start: () => ctx.startInstance(this, i),
      });
    } else if (!isHosts(t)) {
      await recoverNode(t, pool, i);
    } else {
      // The remote start only leaves a request (the main node's host cannot reach this one's
      // namespace): the copy is started here, on its own host, while pgpool-II waits for it.
      const request = join(componentDir(t, 'postgres', i), START_REQUEST);
      await rm(request, { force: true });
      const recovery = recoverNode(t, pool, i);
      recovery.catch(() => undefined);
      await Promise.race([
        recovery,
        waitUntil(() => existsSync(request), 120_000, `postgres:${i} re-synced`),
      ]);
      if (existsSync(request)) {
        await rm(request, { force: true });
        await ctx.startInstance(this, i);
      }
      await recovery;
    }
    await waitBackendReady(t, i, pg, await serverOwner(t));
  },

  /** A backend cut off was detached by pgpool-II and is stale: healed, it is re-synced. */
  async healed(ctx, i) {
    await stopBackend(ctx.topology, i);
    await this.restart!(ctx, i);
  },

  roles: backendRoles,

  // The order events are checked first: their delivery goes on after the traffic stops, and the
  // backends are compared once it is done.
  async verify(ctx) {
    const events = await verifyOrderEvents(ctx.topology);
    const result = await verifyBackends(ctx.topology);
    const writers = await verifyWriters(ctx);
    const delivered = events.delivery ? `, ${events.delivery.events} order events each notified once` : '';
    return {
      key: 'backends',
      details: result.backends,
      summary: `${countOf(ctx.topology, 'postgres')} PostgreSQL backends${delivered}`,
      differences: [...writers, ...events.differences, ...result.differences],
    };
  },
});
