import type { ClusterSettings } from '../../config/cluster-settings.js';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Cluster } from '../../cluster/cluster.js';
import type { Topology } from '../../cluster/layout.js';
import type { VerifyResult } from '../../cluster/cluster.js';
import { parseDuration } from '../../platform/duration.js';
import { runLoad } from '../load/coordinator.js';
import type { LoadModel } from '../load/models.js';
import type { Scenario } from '../load/scenario.js';
import { clientRouteCounts, type LoadResult } from '../load/summary.js';
import {
  counterTotal,
  difference,
  fetchMetrics,
  requestCounts,
  scrapeRequestCounts,
  type RouteCounts,
} from '../server-counts.js';
import type { Configuration, Matrix } from './matrix.js';

export interface RunRecord {
  configuration: Configuration;
  status: 'ok' | 'failed' | 'skipped';
  /** Why it failed or was skipped. */
  note?: string;
  /** The step that failed: up, load, verify or down. */
  failed_at?: string;
  seconds: { up?: number; load?: number; verify?: number; down?: number };
  load?: LoadResult;
  verify?: { ok: boolean; differences: string[] };
  /** What the API instances counted against what the client sent, by "METHOD route". */
  server_counts?: { server: RouteCounts; client: RouteCounts; equal: boolean };
  /** With carts in Redis: cart writes acknowledged before every replica confirmed them (ADR 8). */
  redis_wait_short?: number;
}

export interface BenchContext {
  matrix: Matrix;
  scenario: Scenario;
  /** The clusters' settings; its admin password is set, so admin sessions can log in. */
  settings: ClusterSettings;
  workDir: string;
  basePort: number;
  say: (line: string) => void;
  /** Aborted on Ctrl-C: the measurement ends early and the cluster still goes down. */
  signal?: AbortSignal;
}

export function loadModel(m: Matrix['load']): LoadModel {
  const think_ms = parseDuration(m.think);
  return m.arrival !== undefined
    ? { type: 'open', arrival_per_s: m.arrival, max_sessions: m.max_sessions ?? 1000, think_ms }
    : { type: 'closed', users: m.users!, think_ms };
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
  ctx: Pick<BenchContext, 'matrix' | 'workDir' | 'basePort'>,
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
  };
}

/**
 * One configuration: a clean `cluster up` with the matrix's seed, warm-up and measurement through
 * every nginx, the API's own request counts compared with the client's, `verify`, `down`.
 * Any failure is recorded and the cluster still goes down.
 */
export async function runConfiguration(c: Configuration, ctx: BenchContext): Promise<RunRecord> {
  const record: RunRecord = { configuration: c, status: 'failed', seconds: {} };
  const topology = configurationTopology(c, ctx);
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
    const m = ctx.matrix.load;
    record.load = await timed(record.seconds, 'load', () =>
      runLoad({
        targets: status.entrypoints,
        model: loadModel(m),
        scenario: ctx.scenario,
        warmupMs: parseDuration(m.warmup),
        durationMs: parseDuration(m.duration),
        workers: m.workers,
        seed: m.seed,
        adminPassword: ctx.settings.adminPassword!,
        progress: (line) => say(line),
        signal: ctx.signal,
      }),
    );
    const metrics = await fetchMetrics(apis);
    const server = difference(requestCounts(metrics), before);
    if (c.redis > 0) record.redis_wait_short = counterTotal(metrics, 'bazaar_redis_wait_short_total');
    const client = clientRouteCounts(record.load);
    record.server_counts = { server, client, equal: sameCounts(server, client) };
    step = 'verify';
    const verify: VerifyResult = await timed(record.seconds, 'verify', () => cluster!.verify());
    record.verify = { ok: verify.ok, differences: verify.differences };
    if (!verify.ok) throw new Error(`backends differ: ${verify.differences.join('; ')}`);
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
    }
  }
  return record;
}
