import { cp, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { notificationDelays } from '../../cluster/events-verify.js';
import { prometheusDir } from '../../cluster/observability.js';
import { Cluster, type ClusterStatus } from '../../cluster/cluster.js';
import type { Topology } from '../../cluster/layout.js';
import { parseDuration } from '../../platform/duration.js';
import { runLoad } from '../load/coordinator.js';
import type { LoadModel } from '../load/models.js';
import { clientRouteCounts, type LoadResult } from '../load/summary.js';
import { withClientHosts } from '../load/client-hosts.js';
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
import type { Configuration } from './matrix.js';
import { readServerFigures } from './server-figures.js';
import { snapshotThrottling, throttledShare } from './tier-throttling.js';
import {
  closedModel,
  configurationTopology,
  openModel,
  type BenchContext,
  type RunRecord,
} from './runner.js';

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
  try {
    cluster = await timed(record.seconds, 'up', () => Cluster.up(topology, ctx.settings, say));
    const status = await cluster.status();
    const apis = status.components.filter((x) => x.kind === 'api').map((x) => `http://${x.address}`);
    step = 'load';
    const before = await scrapeRequestCounts(apis);
    const sent: RouteCounts = {};
    const openWindow = await timed(record.seconds, 'load', () =>
      measureModels(record, { ctx, topology, status, sent, say }),
    );
    await readFigures(record, { topology, status, apis, before, sent, openWindow });
    step = 'verify';
    const running = cluster;
    const verify = await timed(record.seconds, 'verify', () => running.verify());
    record.verify = { ok: verify.ok, differences: verify.differences };
    if (!verify.ok) throw new Error(`backends differ: ${verify.differences.join('; ')}`);
    // Read once verify saw every event delivered.
    record.notifications = await notificationDelays(topology);
    record.status = 'ok';
  } catch (error) {
    record.failed_at = step;
    record.note = (error as Error).message;
  } finally {
    if (cluster) await takeDown(record, cluster, topology, ctx.keepMetricsIn);
  }
  return record;
}

interface LoadRun {
  ctx: BenchContext;
  topology: Topology;
  status: ClusterStatus;
  /** What the client sent, by route, added to by every run. */
  sent: RouteCounts;
  say: (line: string) => void;
}

/** One run of a load model through every nginx, on client hosts of its own in host placement. */
async function measure(record: RunRecord, o: LoadRun, model: LoadModel, run: number): Promise<LoadResult> {
  const m = o.ctx.matrix.load;
  const repeats = o.ctx.matrix.repeats ?? 3;
  const { result, client } = await withClientHosts(o.topology, m.workers, (launchWorker) =>
    runLoad({
      targets: o.status.entrypoints,
      model,
      scenario: o.ctx.scenario,
      // The first run warms the cluster up (connections, dictionaries, JIT); later ones only
      // fill their sessions again: a closed model at once, an open one over a session's length.
      warmupMs:
        run === 0
          ? parseDuration(m.warmup)
          : Math.min(parseDuration(m.warmup), model.type === 'closed' ? 2000 : 6000),
      durationMs: parseDuration(m.duration),
      workers: m.workers,
      seed: m.seed + run,
      adminPassword: o.ctx.settings.adminPassword!,
      progress: (line) => o.say(`${model.type} ${run + 1}/${repeats} ${line}`),
      signal: o.ctx.signal,
      ...(launchWorker ? { launchWorker } : {}),
    }),
  );
  addCounts(o.sent, clientRouteCounts(result));
  if (client) {
    record.client ??= { cores: client.cores, throttled_pct: [] };
    record.client.throttled_pct.push(client.throttled_pct);
  }
  return result;
}

/**
 * The closed model's repeats, then the open model's at the bench's rate; returns when the open
 * runs started and ended (the window the server figures are read over).
 */
async function measureModels(record: RunRecord, o: LoadRun): Promise<{ start: number; end: number }> {
  const { ctx } = o;
  const m = ctx.matrix.load;
  const repeats = ctx.matrix.repeats ?? 3;
  // A cluster still settling (a fresh PostgreSQL backend loads its dictionaries on first use:
  // seconds under a CPU quota, and connections time out meanwhile) fails requests in its
  // first run: such a run is kept apart as settling, and the cluster warmed once more, at most
  // twice, before the runs that count.
  record.settling = [];
  let first = await measure(record, o, closedModel(m), 0);
  while (first.totals.errors > 0 && record.settling.length < 2 && !ctx.signal?.aborted) {
    record.settling.push(first);
    o.say(`still settling: ${first.totals.errors} errors in the first run; warming up once more`);
    first = await measure(record, o, closedModel(m), 0);
  }
  record.closed = [first];
  const throttledBefore = await snapshotThrottling(o.topology);
  for (let run = 1; run < repeats && !ctx.signal?.aborted; run++)
    record.closed.push(await measure(record, o, closedModel(m), run));
  const throttledAfter = throttledBefore && (await snapshotThrottling(o.topology));
  if (throttledBefore && throttledAfter && repeats > 1)
    record.throttled_at_saturation = throttledShare(throttledBefore, throttledAfter);
  if (ctx.signal?.aborted) throw new Error('interrupted');
  const arrival =
    ctx.arrival ??
    (await ctx.fixArrival(record.closed, (trial) => measure(record, o, openModel(m, trial), repeats)));
  record.arrival_per_s = arrival;
  record.open = [];
  const start = Date.now();
  for (let run = 0; run < repeats && !ctx.signal?.aborted; run++)
    record.open.push(await measure(record, o, openModel(m, arrival), repeats + 1 + run));
  if (record.open.length === 0) throw new Error('interrupted');
  const byMean = [...record.open].sort((a, b) => a.totals.mean_ms - b.totals.mean_ms);
  record.load = byMean[Math.floor((byMean.length - 1) / 2)];
  return { start, end: Date.now() };
}

/** What the servers recorded over the open runs, and the API's request counts against the client's. */
async function readFigures(
  record: RunRecord,
  o: {
    topology: Topology;
    status: ClusterStatus;
    apis: string[];
    before: RouteCounts;
    sent: RouteCounts;
    openWindow: { start: number; end: number };
  },
): Promise<void> {
  const prometheus = o.status.components.find((x) => x.kind === 'prometheus');
  if (prometheus) {
    record.server = await readServerFigures(`http://${prometheus.address}`, o.topology, o.openWindow).catch(
      (error: Error) => {
        record.server_error = error.message;
        return undefined;
      },
    );
  }
  const metrics = await fetchMetrics(o.apis);
  const server = difference(requestCounts(metrics), o.before);
  if ((record.configuration.counts.redis ?? 0) > 0)
    record.redis_wait_short = counterTotal(metrics, 'bazaar_redis_wait_short_total');
  record.server_counts = { server, client: o.sent, equal: sameCounts(server, o.sent) };
}

/** `down`, whatever happened before; then the Prometheus data moved out of the work folder. */
async function takeDown(
  record: RunRecord,
  cluster: Cluster,
  topology: Topology,
  keepMetricsIn: string | undefined,
): Promise<void> {
  // On machines the bundle stays for the next configuration (runBench removes it at the end).
  await timed(record.seconds, 'down', () => cluster.down({ keepBundle: true })).catch((error: unknown) => {
    record.status = 'failed';
    record.failed_at ??= 'down';
    record.note ??= `cluster down: ${(error as Error).message}`;
  });
  if (record.server && keepMetricsIn) {
    const kept = join(keepMetricsIn, record.configuration.id);
    await keepPrometheusData(topology, kept).then(
      () => (record.prometheus_data = kept),
      (error: Error) => (record.server_error = `Prometheus data not kept: ${error.message}`),
    );
  }
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

/**
 * Every host's budget in this topology, by kind, the load client's included (an exporter runs on
 * its server's host, within its budget: no host of its own).
 */
function quotas(t: Topology): Record<string, HostBudget> {
  const kinds = KINDS.filter((k) => k.count(t) > 0 && !k.sidecarOf).map((k) => k.name);
  return Object.fromEntries([...kinds, 'client'].map((kind) => [kind, budgetOf(t, kind)]));
}
