import type { RunRecord } from '../bench/runner.js';
import { differenceFromBaseline, sessionLog, type Difference } from '../stats/drift.js';

/** The error rate of one configuration's comparisons together: at most this often is any named by chance. */
export const FAMILY_ALPHA = 0.05;

/** The figures every configuration is compared on first; each at FAMILY_ALPHA / 3 (Bonferroni). */
const HEADLINE = ['saturation', 'reads', 'writes'] as const;
const PER_TEST_ALPHA = FAMILY_ALPHA / HEADLINE.length;

export interface FigureDifference extends Difference {
  /** `saturation`, `reads`, `writes`, or an operation's name. */
  figure: string;
  /** What the figure is in: requests/s (higher is better) or ms (lower is better). */
  unit: 'req/s' | 'ms';
}

/** Each figure of a session, as its runs measured it (saturation from the closed runs, times from the open). */
function figuresOf(run: RunRecord): Map<string, { unit: 'req/s' | 'ms'; kind?: string; values: number[] }> {
  const open = run.open ?? [];
  const figures = new Map<string, { unit: 'req/s' | 'ms'; kind?: string; values: number[] }>([
    ['saturation', { unit: 'req/s', values: (run.closed ?? []).map((x) => x.totals.rps) }],
    ['reads', { unit: 'ms', values: open.map((x) => x.reads.mean_ms) }],
    ['writes', { unit: 'ms', values: open.map((x) => x.writes.mean_ms) }],
  ]);
  for (const result of open)
    for (const [operation, s] of Object.entries(result.operations)) {
      if (s.count === 0) continue;
      const figure = figures.get(operation) ?? { unit: 'ms', kind: `${s.kind}s`, values: [] };
      figure.values.push(s.mean_ms);
      figures.set(operation, figure);
    }
  return figures;
}

/**
 * A configuration's session against the baseline's sessions, figure by figure. The three headline
 * figures are tested at FAMILY_ALPHA / 3 each; an operation's difference is named only when the
 * headline of its kind (reads or writes) is, at the same level: a gatekeeping order, so that an
 * A/A comparison names anything at all with probability at most FAMILY_ALPHA.
 */
export function compareWithBaseline(
  run: RunRecord,
  baselineSessions: readonly RunRecord[],
): FigureDifference[] {
  const baseline = baselineSessions.map(figuresOf);
  const out: FigureDifference[] = [];
  for (const [figure, { unit, kind, values }] of figuresOf(run)) {
    const logs = baseline.map((b) => sessionLog(b.get(figure)?.values ?? []));
    const session = sessionLog(values);
    if (session === undefined || logs.some((l) => l === undefined)) continue;
    const difference = differenceFromBaseline(logs as number[], session, PER_TEST_ALPHA);
    if (!difference) continue;
    const gate = kind ? out.find((d) => d.figure === kind) : undefined;
    out.push({
      figure,
      unit,
      ...difference,
      shown: difference.shown && (kind === undefined || !!gate?.shown),
    });
  }
  return out;
}

/** A percentage with its sign; beyond ±1000 % in two significant figures (an interval that wide says the drift swamped the comparison). */
const signed = (x: number) => `${x > 0 ? '+' : ''}${Math.abs(x) >= 1000 ? x.toPrecision(2) : x}`;

/** "−12.3 % [−20.1, −4.0]": a change with its interval. */
export function intervalText(d: Difference): string {
  return `${signed(d.change_pct)} % [${signed(d.low_pct)}, ${signed(d.high_pct)}]`;
}

function figureWords(d: FigureDifference): string {
  if (!d.shown) return `${d.figure}: no difference shown (${intervalText(d)})`;
  const up = d.change_pct > 0;
  const word = d.unit === 'req/s' ? (up ? 'higher' : 'lower') : up ? 'slower' : 'faster';
  return `${d.figure} ${word} ${intervalText(d)}`;
}

/** The verdict in words: each headline figure, then the operations whose difference is shown. */
export function verdictText(differences: readonly FigureDifference[], baselineSessions: number): string {
  if (baselineSessions < 2)
    return 'no difference shown: the baseline was measured in one session, so the drift is unknown';
  const headline = differences.filter((d) => (HEADLINE as readonly string[]).includes(d.figure));
  const operations = differences.filter((d) => d.shown && !headline.includes(d));
  return [...headline, ...operations].map(figureWords).join('; ');
}
