import type { BenchResults } from './bench-results.js';
import { intervalText } from './comparisons.js';
import { escape, table } from './html-parts.js';
import type { RunRecord } from '../bench/runner.js';
import { spreadOrZero } from '../bench/spread.js';

type Label = (id: string) => string;

/** A figure's change with its interval, or a dash where it was not compared. */
function cell(c: BenchResults['changes'][number], figure: string): string {
  const d = c.differences.find((x) => x.figure === figure);
  if (!d) return '–';
  return `${intervalText(d)}${d.shown ? ' shown' : ''}`;
}

function sessionRow(r: RunRecord): unknown[] {
  const median = (values: number[]) => spreadOrZero(values).median;
  return [
    r.baseline_session ?? 1,
    r.status,
    r.closed?.length ? median(r.closed.map((x) => x.totals.rps)) : '',
    r.open?.length ? median(r.open.map((x) => x.reads.mean_ms)) : '',
    r.open?.length ? median(r.open.map((x) => x.writes.mean_ms)) : '',
    r.note ?? '',
  ];
}

/** The baseline's sessions in the order they ran: how much it differed from itself. */
function baselineSessionsTable(results: BenchResults): string {
  const first = results.runs.find((r) => r.configuration.id === results.baseline);
  const sessions = [first, ...(results.baseline_repeats ?? [])].filter((r): r is RunRecord => !!r);
  return table(
    ['baseline session', 'status', 'saturation req/s', 'reads mean ms', 'writes mean ms', 'note'],
    sessions.map(sessionRow),
  );
}

/**
 * Each factor against the baseline: the method in words, the baseline's own sessions (its drift),
 * and every configuration's change per figure with its interval; "shown" marks an interval that
 * excludes 0.
 */
export function comparisonSection(results: BenchResults, label: Label): string {
  const rows = results.changes.map((c) => [
    c.group,
    c.label,
    label(c.configuration),
    c.read_mean_ms,
    cell(c, 'reads'),
    c.write_mean_ms,
    cell(c, 'writes'),
    cell(c, 'saturation'),
    c.verdict,
  ]);
  return `<p>${escape(results.comparison_method ?? '')}</p>
${baselineSessionsTable(results)}
${table(['factor', 'setting', 'configuration', 'reads mean ms', 'reads change', 'writes mean ms', 'writes change', 'saturation change', 'verdict'], rows)}`;
}
