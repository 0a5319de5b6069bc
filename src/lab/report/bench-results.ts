import type { Group, Plan } from '../bench/matrix.js';
export { spreadOf } from '../bench/spread.js';
import type { ScalabilityModel } from './scalability.js';
import { FAMILY_ALPHA, compareWithBaseline, verdictText, type FigureDifference } from './comparisons.js';
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
  /** The baseline's later sessions (its first is among `runs`): their spread is the drift. */
  baseline_repeats: RunRecord[];
  /** How configurations are compared with the baseline, in words. */
  comparison_method: string;
  /** Each group member's figures against the baseline's sessions, with intervals. */
  changes: Change[];
  /** Each count factor's saturation throughput with the Universal Scalability Law fitted to it. */
  scalability: ScalabilityModel[];
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
  /** Against the baseline sessions' geometric mean, in percent (null for the baseline itself). */
  read_change_pct: number | null;
  write_change_pct: number | null;
  saturation_change_pct: number | null;
  /** Each figure's change with its interval, and whether a difference is shown (ADR 25). */
  differences: FigureDifference[];
  /** What can be said, in words: a change is named only where its interval excludes 0. */
  verdict: string;
}

/** How the comparisons are made, for the report. */
export function comparisonMethod(sessions: number): string {
  return (
    `The baseline was measured in ${sessions} session${sessions === 1 ? '' : 's'} (a cluster each), spread over the bench; every other ` +
    `configuration in one. Each figure of a session is the geometric mean of its runs. A configuration's change is its ` +
    `session against the baseline sessions' mean, with the interval a further baseline session would fall in ` +
    `(Student's t on the sessions' logs, ${sessions - 1} degree${sessions === 2 ? '' : 's'} of freedom): the drift between sessions is in it. ` +
    `Saturation, reads and writes are each tested at ${Math.round((1 - FAMILY_ALPHA / 3) * 1000) / 10} % confidence; an operation is ` +
    `named only when its kind is, so a configuration identical to the baseline names a difference with probability at most ` +
    `${FAMILY_ALPHA * 100} %. Otherwise: "no difference shown".`
  );
}

export function changesAgainstBaseline(
  plan: Pick<Plan, 'baseline' | 'groups'>,
  runs: RunRecord[],
  baselineRepeats: RunRecord[] = [],
): Change[] {
  const byId = new Map(runs.map((r) => [r.configuration.id, r]));
  const baseRun = byId.get(plan.baseline);
  const sessions = [baseRun, ...baselineRepeats].filter((r): r is RunRecord => r?.status === 'ok');
  const changes: Change[] = [];
  for (const group of plan.groups) {
    for (const m of group.members) {
      const run = byId.get(m.configuration);
      if (!run?.load || run.status !== 'ok') continue;
      const isBaseline = m.configuration === plan.baseline;
      const differences = isBaseline ? [] : compareWithBaseline(run, sessions);
      const change = (figure: string) => differences.find((d) => d.figure === figure)?.change_pct ?? null;
      changes.push({
        group: group.name,
        label: m.label,
        configuration: m.configuration,
        read_mean_ms: run.load.reads.mean_ms,
        write_mean_ms: run.load.writes.mean_ms,
        read_change_pct: change('reads'),
        write_change_pct: change('writes'),
        saturation_change_pct: change('saturation'),
        differences,
        verdict: isBaseline
          ? `baseline (${sessions.length} session${sessions.length === 1 ? '' : 's'})`
          : verdictText(differences, sessions.length),
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
