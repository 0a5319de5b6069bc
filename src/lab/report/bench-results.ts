import type { Group, Plan } from '../bench/matrix.js';
import { spreadOf, type Spread } from '../bench/spread.js';
export { spreadOf } from '../bench/spread.js';
import type { BenchPlacement, RunRecord } from '../bench/runner.js';
import type { LoadModel } from '../load/models.js';
import type { Machine } from './machine.js';

/** `results.json`: every run's load output with its configuration and verify result. */
import type { ClientCapacity } from '../load/capacity.js';

export interface BenchResults {
  tool: 'bazaar bench';
  matrix: string;
  started_at: string;
  finished_at: string;
  machine: Machine;
  /** Where the configurations' servers ran, and why there. */
  placement: { used: BenchPlacement; reason: string };
  load: {
    /** Saturation: the closed model. */
    closed: LoadModel;
    /** Each request's time without saturation: the open model at one rate for every configuration. */
    open: LoadModel | null;
    /** How the open rate was chosen. */
    open_rule: string;
    repeats: number;
    warmup: string;
    duration: string;
    workers: number;
    scenario: string;
    seed: number;
  };
  baseline: string;
  groups: Group[];
  runs: RunRecord[];
  /** Each group member's read and write mean against the baseline's, in percent. */
  changes: Change[];
  /**
   * In host placement: what one load client worker sends at most on a client host with the
   * bench's client quota, against a store that answers at once (measured before the matrix).
   */
  client_capacity?: ClientCapacity;
}

export interface Change {
  group: string;
  label: string;
  configuration: string;
  read_mean_ms: number;
  write_mean_ms: number;
  read_change_pct: number | null;
  write_change_pct: number | null;
  /** Median saturation throughput against the baseline's, in percent. */
  saturation_change_pct: number | null;
  /**
   * What can be said: a change is named only where the two configurations' min–max ranges over
   * their repeats do not overlap; otherwise "differs less than the spread".
   */
  verdict: string;
}

/** "faster"/"slower" (or "more"/"less") when the ranges are apart, else null. */
function apart(a: Spread | null, base: Spread | null): -1 | 1 | 0 {
  if (!a || !base) return 0;
  if (a.max < base.min) return -1;
  if (a.min > base.max) return 1;
  return 0;
}

function verdictOf(run: RunRecord, base: RunRecord): string {
  const spreads = (r: RunRecord) => ({
    reads: spreadOf((r.open ?? []).map((x) => x.reads.mean_ms)),
    writes: spreadOf((r.open ?? []).map((x) => x.writes.mean_ms)),
    saturation: spreadOf((r.closed ?? []).map((x) => x.totals.rps)),
  });
  const a = spreads(run);
  const b = spreads(base);
  const words = (d: -1 | 1 | 0, lower: string, higher: string) =>
    d === 0 ? 'differs less than the spread' : d < 0 ? lower : higher;
  return [
    `saturation ${words(apart(a.saturation, b.saturation), 'lower', 'higher')}`,
    `reads ${words(apart(a.reads, b.reads), 'faster', 'slower')}`,
    `writes ${words(apart(a.writes, b.writes), 'faster', 'slower')}`,
  ].join('; ');
}

const pct = (value: number, base: number) =>
  base > 0 ? Math.round(((value - base) / base) * 1000) / 10 : null;

export function changesAgainstBaseline(plan: Plan, runs: RunRecord[]): Change[] {
  const byId = new Map(runs.map((r) => [r.configuration.id, r]));
  const baseRun = byId.get(plan.baseline);
  const base = baseRun?.load;
  const saturation = (r: RunRecord | undefined) =>
    spreadOf((r?.closed ?? []).map((x) => x.totals.rps))?.median;
  const changes: Change[] = [];
  for (const group of plan.groups) {
    for (const m of group.members) {
      const load = byId.get(m.configuration)?.load;
      if (!load || byId.get(m.configuration)?.status !== 'ok') continue;
      changes.push({
        group: group.name,
        label: m.label,
        configuration: m.configuration,
        read_mean_ms: load.reads.mean_ms,
        write_mean_ms: load.writes.mean_ms,
        read_change_pct: base ? pct(load.reads.mean_ms, base.reads.mean_ms) : null,
        write_change_pct: base ? pct(load.writes.mean_ms, base.writes.mean_ms) : null,
        saturation_change_pct:
          saturation(baseRun) !== undefined && saturation(byId.get(m.configuration)) !== undefined
            ? pct(saturation(byId.get(m.configuration))!, saturation(baseRun)!)
            : null,
        verdict:
          baseRun && m.configuration !== plan.baseline
            ? verdictOf(byId.get(m.configuration)!, baseRun)
            : 'baseline',
      });
    }
  }
  return changes;
}

const CSV_COLUMNS = [
  'configuration',
  'status',
  'operation',
  'kind',
  'count',
  'errors',
  'rps',
  'mean_ms',
  'p50_ms',
  'p90_ms',
  'p95_ms',
  'p99_ms',
  'max_ms',
] as const;

function csvCell(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `results.csv`: one row per configuration and operation; a failed or skipped run is one row with its note. */
export function toCsv(results: BenchResults): string {
  const rows: unknown[][] = [[...CSV_COLUMNS, 'note']];
  for (const run of results.runs) {
    const ops = run.load ? Object.entries(run.load.operations) : [];
    if (ops.length === 0) rows.push([run.configuration.id, run.status, ...Array(11).fill(''), run.note]);
    for (const [op, s] of ops) {
      rows.push([
        run.configuration.id,
        run.status,
        op,
        s.kind,
        s.count,
        s.errors,
        s.rps,
        s.mean_ms,
        s.p50_ms,
        s.p90_ms,
        s.p95_ms,
        s.p99_ms,
        s.max_ms,
        run.note,
      ]);
    }
  }
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
}
