import type { ClusterSettings } from '../../config/cluster-settings.js';
import { notificationDelays, type NotificationDelays } from '../../cluster/events-verify.js';
import { cp, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { prometheusDir } from '../../cluster/observability.js';
import { Cluster } from '../../cluster/cluster.js';
import type { Topology } from '../../cluster/layout.js';
import type { VerifyResult } from '../../cluster/cluster.js';
import { parseDuration } from '../../platform/duration.js';
import { runLoad } from '../load/coordinator.js';
import type { LoadModel } from '../load/models.js';
import type { Scenario } from '../load/scenario.js';
import { clientRouteCounts, type LoadResult } from '../load/summary.js';
import { withClientHosts } from '../load/client-hosts.js';
export { median } from './spread.js';
import { budgetOf, type HostBudget } from '../../cluster/hosts.js';
import { KINDS } from '../../cluster/registry.js';
import {
  counterTotal,
  difference,
  fetchMetrics,
  requestCounts,
  scrapeRequestCounts,
  type RouteCounts,
} from '../server-counts.js';
import type { Configuration, Matrix } from './matrix.js';
import { readServerFigures, type ServerFigures } from './server-figures.js';

export interface RunRecord {
  configuration: Configuration;
  /** Where its servers ran: loopback, or a simulated host each (with the quotas in `hosts`). */
  placement: 'loopback' | 'hosts';
  /** In host placement: each kind's CPU quota (cores) and memory limit, the load client's included. */
  hosts?: Record<string, HostBudget>;
  status: 'ok' | 'failed' | 'skipped';
  /** Why it failed or was skipped. */
  note?: string;
  /** The step that failed: up, load, verify or down. */
  failed_at?: string;
  seconds: { up?: number; load?: number; verify?: number; down?: number };
  /** First runs that failed requests while the cluster was still settling: reported, not counted. */
  settling?: LoadResult[];
  /** The closed model's repeats: the saturation throughput. */
  closed?: LoadResult[];
  /** The open model's repeats, at `arrival_per_s`: each request's time without saturation. */
  open?: LoadResult[];
  arrival_per_s?: number;
  /** In host placement: the load client's quota and, per run, how often it used all of it. */
  client?: { cores: number; throttled_pct: number[] };
  /** The open run with the median mean time: the one the tables and CSV show. */
  load?: LoadResult;
  verify?: { ok: boolean; differences: string[] };
  /** What the API instances counted against what the client sent, by "METHOD route". */
  server_counts?: { server: RouteCounts; client: RouteCounts; equal: boolean };
  /** With carts in Redis: cart writes acknowledged before every replica confirmed them (ADR 8). */
  redis_wait_short?: number;
  /** From each order status change to its notification, over every event of the configuration. */
  notifications?: NotificationDelays;
  /** With observability: what the servers recorded over the open-model runs (where the time goes). */
  server?: ServerFigures;
  /** Why the server figures could not be read. */
  server_error?: string;
  /** Where its Prometheus data was kept (a TSDB folder under the report), for the dashboards. */
  prometheus_data?: string;
}

export interface BenchContext {
  matrix: Matrix;
  placement: 'loopback' | 'hosts';
  /**
   * The open model's rate. Undefined until the baseline (the first configuration) has measured
   * its saturation; `fixArrival` then sets it from that configuration's closed runs, with `probe`
   * to run the open model once at a trial rate.
   */
  arrival?: number;
  fixArrival: (closed: LoadResult[], probe: (arrival: number) => Promise<LoadResult>) => Promise<number>;
  scenario: Scenario;
  /** The clusters' settings; its admin password is set, so admin sessions can log in. */
  settings: ClusterSettings;
  workDir: string;
  basePort: number;
  /** Prometheus and the exporters in every configuration: the server figures are read from them. */
  observability: boolean;
  /** Where each configuration's Prometheus data is kept once its cluster is down (absent: not kept). */
  keepMetricsIn?: string;
  say: (line: string) => void;
  /** Aborted on Ctrl-C: the measurement ends early and the cluster still goes down. */
  signal?: AbortSignal;
}

export function closedModel(m: Matrix['load']): LoadModel {
  return { type: 'closed', users: m.users, think_ms: parseDuration(m.think) };
}

export function openModel(m: Matrix['load'], arrival: number): LoadModel {
  return {
    type: 'open',
    arrival_per_s: arrival,
    max_sessions: m.max_sessions ?? 1000,
    think_ms: parseDuration(m.think),
  };
}

/** Completed sessions per second over the measured window: what an open model's rate is in. */
export function sessionRate(result: LoadResult): number {
  return result.duration_s > 0 ? result.sessions.completed / result.duration_s : 0;
}

function addCounts(into: RouteCounts, more: RouteCounts): RouteCounts {
  for (const [k, n] of Object.entries(more)) into[k] = (into[k] ?? 0) + n;
  return into;
}

function sameCounts(a: RouteCounts, b: RouteCounts): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a[k] ?? 0) === (b[k] ?? 0));
}

async function timed<T>(
  seconds: RunRecord['seconds'],
  key: keyof RunRecord['seconds'],
  work: () => Promise<T>,
) {
  const started = Date.now();
  try {
    return await work();
  } finally {
    seconds[key] = Math.round((Date.now() - started) / 100) / 10;
  }
}

/** The cluster a configuration runs as. */
export function configurationTopology(
  c: Configuration,
  ctx: Pick<BenchContext, 'matrix' | 'workDir' | 'basePort' | 'placement' | 'observability'>,
): Topology {
  return {
    pg: c.pg,
    pgpool: c.pgpool,
    api: c.api,
    nginx: c.nginx,
    mode: c.mode,
    basePort: ctx.basePort,
    dir: join(ctx.workDir, 'cluster'),
    seedProducts: ctx.matrix.seed.products,
    seedUsers: ctx.matrix.seed.customers,
    redis: c.redis,
    cassandra: c.cassandra,
    kafka: c.kafka ?? 0,
    notifiers: (c.kafka ?? 0) > 0 ? 1 : 0,
    observability: ctx.observability,
    placement: ctx.placement,
  };
}

/**
 * One configuration: a clean `cluster up` with the matrix's seed; the closed model `repeats`
 * times (saturation), then the open model at the bench's fixed rate `repeats` times (each
 * request's time without saturation), all through every nginx; the API's own request counts
 * compared with the client's; `verify`; `down`. Any failure is recorded and the cluster still
 * goes down.
 */
export async function runConfiguration(c: Configuration, ctx: BenchContext): Promise<RunRecord> {
  const record: RunRecord = { configuration: c, placement: ctx.placement, status: 'failed', seconds: {} };
  const topology = configurationTopology(c, ctx);
  if (ctx.placement === 'hosts') record.hosts = quotas(topology);
  await rm(topology.dir, { recursive: true, force: true });
  const say = (line: string) => ctx.say(`  ${line}`);
  let cluster: Cluster | undefined;
  let step = 'up';
  let openWindow: { start: number; end: number } | undefined;
  try {
    cluster = await timed(record.seconds, 'up', () => Cluster.up(topology, ctx.settings, say));
    const status = await cluster.status();
    const apis = status.components.filter((x) => x.kind === 'api').map((x) => `http://${x.address}`);
    step = 'load';
    const before = await scrapeRequestCounts(apis);
    const m = ctx.matrix.load;
    const repeats = ctx.matrix.repeats ?? 3;
    const sent: RouteCounts = {};
    const measure = (model: LoadModel, run: number) =>
      withClientHosts(topology, m.workers, (launchWorker) =>
        runLoad({
          targets: status.entrypoints,
          model,
          scenario: ctx.scenario,
          // The first run warms the cluster up (connections, dictionaries, JIT); later ones only
          // fill their sessions again: a closed model at once, an open one over a session's length.
          warmupMs:
            run === 0
              ? parseDuration(m.warmup)
              : Math.min(parseDuration(m.warmup), model.type === 'closed' ? 2000 : 6000),
          durationMs: parseDuration(m.duration),
          workers: m.workers,
          seed: m.seed + run,
          adminPassword: ctx.settings.adminPassword!,
          progress: (line) => say(`${model.type} ${run + 1}/${repeats} ${line}`),
          signal: ctx.signal,
          ...(launchWorker ? { launchWorker } : {}),
        }),
      ).then(({ result, client }) => {
        addCounts(sent, clientRouteCounts(result));
        if (client) {
          record.client ??= { cores: client.cores, throttled_pct: [] };
          record.client.throttled_pct.push(client.throttled_pct);
        }
        return result;
      });
    await timed(record.seconds, 'load', async () => {
      // A cluster still settling (a fresh PostgreSQL backend loads its dictionaries on first use:
      // seconds under a CPU quota, and connections time out meanwhile) fails requests in its
      // first run: such a run is kept apart as settling, and the cluster warmed once more, at most
      // twice, before the runs that count.
      record.settling = [];
      let first = await measure(closedModel(m), 0);
      while (first.totals.errors > 0 && record.settling.length < 2 && !ctx.signal?.aborted) {
        record.settling.push(first);
        say(`still settling: ${first.totals.errors} errors in the first run; warming up once more`);
        first = await measure(closedModel(m), 0);
      }
      record.closed = [first];
      for (let run = 1; run < repeats && !ctx.signal?.aborted; run++)
        record.closed.push(await measure(closedModel(m), run));
      if (ctx.signal?.aborted) throw new Error('interrupted');
      const arrival =
        ctx.arrival ??
        (await ctx.fixArrival(record.closed, (trial) => measure(openModel(m, trial), repeats)));
      record.arrival_per_s = arrival;
      record.open = [];
      const openStart = Date.now();
      for (let run = 0; run < repeats && !ctx.signal?.aborted; run++)
        record.open.push(await measure(openModel(m, arrival), repeats + 1 + run));
      openWindow = { start: openStart, end: Date.now() };
    });
    if (record.open!.length === 0) throw new Error('interrupted');
    const byMean = [...record.open!].sort((a, b) => a.totals.mean_ms - b.totals.mean_ms);
    record.load = byMean[Math.floor((byMean.length - 1) / 2)];
    const prometheus = status.components.find((x) => x.kind === 'prometheus');
    if (prometheus && openWindow) {
      record.server = await readServerFigures(`http://${prometheus.address}`, topology, openWindow).catch(
        (error: Error) => {
          record.server_error = error.message;
          return undefined;
        },
      );
    }
    const metrics = await fetchMetrics(apis);
    const server = difference(requestCounts(metrics), before);
    if (c.redis > 0) record.redis_wait_short = counterTotal(metrics, 'bazaar_redis_wait_short_total');
    record.server_counts = { server, client: sent, equal: sameCounts(server, sent) };
    step = 'verify';
    const verify: VerifyResult = await timed(record.seconds, 'verify', () => cluster!.verify());
    record.verify = { ok: verify.ok, differences: verify.differences };
    if (!verify.ok) throw new Error(`backends differ: ${verify.differences.join('; ')}`);
    // Read once verify saw every event delivered.
    record.notifications = await notificationDelays(topology);
    record.status = 'ok';
  } catch (error) {
    record.failed_at = step;
    record.note = (error as Error).message;
  } finally {
    if (cluster) {
      const running = cluster;
      await timed(record.seconds, 'down', () => running.down()).catch((error: unknown) => {
        record.status = 'failed';
        record.failed_at ??= 'down';
        record.note ??= `cluster down: ${(error as Error).message}`;
      });
      if (record.server && ctx.keepMetricsIn) {
        const kept = join(ctx.keepMetricsIn, c.id);
        await keepPrometheusData(topology, kept).then(
          () => (record.prometheus_data = kept),
          (error: Error) => (record.server_error = `Prometheus data not kept: ${error.message}`),
        );
      }
    }
  }
  return record;
}

/** Moves a stopped cluster's Prometheus data out of the bench's work folder (the next up clears it). */
async function keepPrometheusData(t: Topology, to: string): Promise<void> {
  const from = join(prometheusDir(t), 'data');
  await rm(to, { recursive: true, force: true });
  await mkdir(dirname(to), { recursive: true });
  await rename(from, to).catch(async () => {
    await cp(from, to, { recursive: true });
    await rm(from, { recursive: true, force: true });
  });
}

/** Every host's budget in this topology, by kind, the load client's included. */
function quotas(t: Topology): Record<string, HostBudget> {
  const kinds = KINDS.filter((k) => k.count(t) > 0).map((k) => k.name);
  return Object.fromEntries([...kinds, 'client'].map((kind) => [kind, budgetOf(t, kind)]));
}
