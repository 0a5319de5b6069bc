import type { Group, Plan } from '../bench/matrix.js';
import type { RunRecord } from '../bench/runner.js';
import type { LoadModel } from '../load/models.js';
import type { Machine } from './machine.js';

/** `results.json`: every run's load output with its configuration and verify result. */
export interface BenchResults {
  tool: 'bazaar bench';
  matrix: string;
  started_at: string;
  finished_at: string;
  machine: Machine;
  load: {
    model: LoadModel;
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
}

export interface Change {
  group: string;
  label: string;
  configuration: string;
  read_mean_ms: number;
  write_mean_ms: number;
  read_change_pct: number | null;
  write_change_pct: number | null;
}

const pct = (value: number, base: number) =>
  base > 0 ? Math.round(((value - base) / base) * 1000) / 10 : null;

export function changesAgainstBaseline(plan: Plan, runs: RunRecord[]): Change[] {
  const byId = new Map(runs.map((r) => [r.configuration.id, r]));
  const base = byId.get(plan.baseline)?.load;
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
