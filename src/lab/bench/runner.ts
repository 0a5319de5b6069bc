import type { ClusterSettings } from '../../config/cluster-settings.js';
import type { NotificationDelays } from '../../cluster/events-verify.js';
import { join } from 'node:path';
import type { Topology } from '../../cluster/layout.js';
import { parseDuration } from '../../platform/duration.js';
import type { LoadModel } from '../load/models.js';
import type { Scenario } from '../load/scenario.js';
import type { LoadResult } from '../load/summary.js';
export { median } from './spread.js';
import type { HostBudget } from '../../cluster/hosts.js';
import type { RouteCounts } from '../server-counts.js';
import type { Configuration, Matrix } from './matrix.js';
import type { BenchMachines } from './inventory-bench.js';
import { machinePlanOf } from '../../cluster/inventory-plan.js';
import { KINDS } from '../../cluster/registry.js';
import type { ServerFigures } from './server-figures.js';

export interface RunRecord {
  configuration: Configuration;
  /** For the baseline: which of its sessions this cluster was (1 first). */
  baseline_session?: number;
  /** Where its servers ran: loopback, a simulated host each (with the quotas in `hosts`), or machines. */
  placement: BenchPlacement;
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
  /**
   * In host placement: over the closed runs after the first (saturation), the share of the time
   * each tier's hosts were held at their CPU quota, in percent, by kind. The highest is the bottleneck.
   */
  throttled_at_saturation?: Record<string, number>;
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

/** Where a bench's clusters run: loopback, simulated hosts, or the machines of an inventory. */
export type BenchPlacement = 'loopback' | 'hosts' | 'machines';

export interface BenchContext {
  matrix: Matrix;
  placement: BenchPlacement;
  /** In machine placement: the inventory the configurations are placed on. */
  machines?: BenchMachines;
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

/** The cluster a configuration runs as. */
export function configurationTopology(
  c: Configuration,
  ctx: Pick<BenchContext, 'matrix' | 'workDir' | 'basePort' | 'placement' | 'observability' | 'machines'>,
): Topology {
  const base = {
    mode: c.mode,
    basePort: ctx.basePort,
    dir: join(ctx.workDir, 'cluster'),
    seedProducts: ctx.matrix.seed.products,
    seedUsers: ctx.matrix.seed.customers,
    observability: ctx.observability,
  };
  if (ctx.placement !== 'machines' || !ctx.machines)
    return {
      ...base,
      counts: c.counts,
      placement: ctx.placement === 'machines' ? 'loopback' : ctx.placement,
    };
  // Each count takes the first machines of its group.
  const placed = machinePlanOf(ctx.machines.inventory, KINDS, c.counts, base, {
    hostKeys: ctx.machines.hostKeys,
    source: ctx.machines.source,
  });
  return { ...base, placement: 'machines', counts: placed.counts, machines: placed.machines };
}
