import type * as hdr from 'hdr-histogram-js';
import {
  OPERATION_NAMES,
  OPERATIONS,
  routeKey,
  type OperationKind,
  type OperationName,
} from './operations.js';
import type { LoadModel, SessionCounts } from './models.js';
import type { Recorder, Tally } from './recorder.js';

export interface OperationSummary {
  kind: OperationKind;
  count: number;
  errors: number;
  rps: number;
  mean_ms: number;
  p50_ms: number;
  p90_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  /** Every status seen (errors and normal answers such as 409 at checkout), "connection" for none. */
  statuses: Record<string, number>;
}

/** `bazaar load --out`: docs/lab.md's shape, plus the warm-up tally and the scenario used. */
export interface LoadResult {
  tool: 'bazaar load';
  started_at: string;
  duration_s: number;
  targets: string[];
  model: LoadModel & { workers: number; warmup_s: number; scenario: string; seed: number };
  operations: Record<string, OperationSummary>;
  totals: { count: number; errors: number; rps: number; mean_ms: number; p99_ms: number; retries: number };
  reads: { count: number; mean_ms: number; p99_ms: number };
  writes: { count: number; mean_ms: number; p99_ms: number };
  errors_by_status: Record<string, number>;
  per_target: Record<string, Tally>;
  sessions: SessionCounts;
  warmup: { duration_s: number; count: number; errors: number; by_operation: Record<string, number> };
  /** Each worker's share and its own CPU headroom (absent in results written before it existed). */
  workers?: WorkerFigures[];
}

export interface WorkerFigures {
  worker: number;
  /** `this machine`, a client host, or the load machine's inventory name. */
  where: string;
  count: number;
  errors: number;
  warmup_count: number;
  /** The worker process's CPU time over its run, as a share of one core. */
  cpu_pct_of_core: number;
  headroom_pct: number;
  /** Cores of the machine it ran on. */
  machine_cores: number;
}

const ms = (micros: number) => Math.round(micros) / 1000;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

function latency(h: hdr.Histogram) {
  return {
    mean_ms: h.totalCount ? ms(h.mean) : 0,
    p50_ms: ms(h.getValueAtPercentile(50)),
    p90_ms: ms(h.getValueAtPercentile(90)),
    p95_ms: ms(h.getValueAtPercentile(95)),
    p99_ms: ms(h.getValueAtPercentile(99)),
    max_ms: ms(h.maxValue),
  };
}

export function summarise(
  measured: Recorder,
  warmup: Recorder,
  run: {
    startedAt: Date;
    durationS: number;
    warmupS: number;
    targets: string[];
    model: LoadResult['model'];
    sessions: SessionCounts;
  },
): LoadResult {
  const operations: Record<string, OperationSummary> = {};
  for (const op of OPERATION_NAMES) {
    const rec = measured.operations.get(op);
    if (!rec) continue;
    operations[op] = {
      kind: OPERATIONS[op].kind,
      count: rec.count,
      errors: rec.errors,
      rps: round(rec.count / run.durationS),
      ...latency(rec.histogram),
      statuses: rec.statuses,
    };
  }
  const all = measured.combined();
  const totals = measured.totals();
  const byKind = (kind: OperationKind) => {
    const h = measured.combined((op) => OPERATIONS[op].kind === kind);
    return {
      count: h.totalCount,
      mean_ms: h.totalCount ? ms(h.mean) : 0,
      p99_ms: ms(h.getValueAtPercentile(99)),
    };
  };
  return {
    tool: 'bazaar load',
    started_at: run.startedAt.toISOString(),
    duration_s: run.durationS,
    targets: run.targets,
    model: run.model,
    operations,
    totals: {
      ...totals,
      rps: round(totals.count / run.durationS),
      mean_ms: all.totalCount ? ms(all.mean) : 0,
      p99_ms: ms(all.getValueAtPercentile(99)),
      retries: measured.retries,
    },
    reads: byKind('read'),
    writes: byKind('write'),
    errors_by_status: measured.errorsByStatus,
    per_target: measured.perTarget,
    sessions: run.sessions,
    warmup: {
      duration_s: run.warmupS,
      ...warmup.totals(),
      by_operation: Object.fromEntries([...warmup.operations].map(([op, rec]) => [op, rec.count])),
    },
  };
}

/** Requests the client completed (warm-up included) by "METHOD route", as the API counts them. */
export function clientRouteCounts(result: LoadResult): Record<string, number> {
  const counts: Record<string, number> = {};
  const add = (op: string, n: number) => {
    if (!(op in OPERATIONS) || n === 0) return;
    const key = routeKey(op as OperationName);
    counts[key] = (counts[key] ?? 0) + n;
  };
  for (const [op, s] of Object.entries(result.operations)) add(op, s.count - (s.statuses.connection ?? 0));
  for (const [op, n] of Object.entries(result.warmup.by_operation)) add(op, n);
  return counts;
}
