import type { TopLevelSpec } from 'vega-lite';
import type { RunRecord } from '../bench/runner.js';
import type { Group } from '../bench/matrix.js';
import { spreadOrZero } from '../bench/spread.js';
import { fitUsl, uslThroughput, type Interval, type UslFit } from '../stats/usl.js';
import { CONFIG } from './bar-spec.js';
import type { Chart } from './chart.js';
import { slug } from './html-parts.js';

/** One count factor's saturation throughput against its count, with the law fitted to it. */
export interface ScalabilityModel {
  group: string;
  /** The count option the factor varies (`api`, `pg`...). */
  key: string;
  points: Array<{ n: number; median: number; min: number; max: number; runs: number[] }>;
  fit?: UslFit;
  /** Why no model was fitted. */
  missing?: string;
  /** The model in words. */
  words: string;
}

/** Each factor member's closed runs (the baseline's from all its sessions: their drift is in the spread). */
function pointsOf(group: Group, runs: RunRecord[], baselineRepeats: RunRecord[]): ScalabilityModel['points'] {
  return group.members
    .filter((m) => m.count !== undefined)
    .map((m) => {
      const sessions = [...runs, ...(m.baseline ? baselineRepeats : [])].filter(
        (r) => r.configuration.id === m.configuration && r.status === 'ok',
      );
      const values = sessions.flatMap((r) => (r.closed ?? []).map((x) => x.totals.rps));
      const s = spreadOrZero(values);
      return { n: m.count!, median: s.median, min: s.min, max: s.max, runs: values };
    })
    .filter((p) => p.runs.length > 0)
    .sort((a, b) => a.n - b.n);
}

const r2 = (x: number) => Math.round(x * 100) / 100;
const r3 = (x: number) => Number(x.toPrecision(3));
const interval = (i: Interval, round: (x: number) => number) =>
  `${round(i.value)} [${round(i.low)}, ${round(i.high)}]`;

function modelWords(name: string, fit: UslFit): string {
  const base =
    `${name}: one instance ${Math.round(fit.lambda.value)} req/s; contention σ = ${interval(fit.sigma, r3)}, ` +
    `coherency κ = ${interval(fit.kappa, r3)} (95 % bootstrap intervals over the runs)`;
  if (!fit.peak)
    return `${base}; no peak within N ≤ ${fit.predictUpTo}: κ is indistinguishable from 0, so throughput is predicted to keep rising (by less each step while σ > 0).`;
  const where = fit.peak.n.value > fit.predictUpTo ? `, beyond the N ≤ ${fit.predictUpTo} drawn` : '';
  return `${base}; predicted peak N* = √((1−σ)/κ) = ${interval(fit.peak.n, r2)} at ${interval(fit.peak.throughput, Math.round)} req/s${where}.`;
}

/** The chart's subtitle: the parameters and the peak, short. */
function shortWords(fit: UslFit): string {
  const peak = fit.peak
    ? `peak N* ≈ ${r2(fit.peak.n.value)} at ${Math.round(fit.peak.throughput.value)} req/s`
    : `no peak within N ≤ ${fit.predictUpTo} (κ indistinguishable from 0)`;
  return `λ ${Math.round(fit.lambda.value)} req/s, σ ${r3(fit.sigma.value)}, κ ${r3(fit.kappa.value)}; ${peak}`;
}

/** The law fitted to every count factor with N = 1 and at least three counts measured. */
export function scalabilityModels(
  groups: Group[],
  runs: RunRecord[],
  baselineRepeats: RunRecord[] = [],
): ScalabilityModel[] {
  return groups
    .filter((g) => g.key !== undefined)
    .map((g) => {
      const points = pointsOf(g, runs, baselineRepeats);
      const model = { group: g.name, key: g.key!, points };
      const missing =
        points.length < 3
          ? `${points.length} counts measured: the law has two parameters besides N = 1's throughput, so it needs three`
          : points[0]!.n !== 1
            ? 'N = 1 was not measured: the law is read against one instance'
            : undefined;
      if (missing) return { ...model, missing, words: `${g.name}: no model (${missing}).` };
      const fit = fitUsl(points.map((p) => ({ n: p.n, throughputs: p.runs })));
      return { ...model, fit, words: modelWords(g.name, fit) };
    });
}

/** Measured medians with min–max whiskers, and the fitted curve up to twice the largest N. */
export function scalabilityCharts(models: ScalabilityModel[]): Chart[] {
  return models
    .filter((m) => m.fit)
    .map((m) => {
      const fit = m.fit!;
      const params = { lambda: fit.lambda.value, sigma: fit.sigma.value, kappa: fit.kappa.value };
      const curve = Array.from({ length: (fit.predictUpTo - 1) * 10 + 1 }, (_, i) => 1 + i / 10).map((n) => ({
        n,
        rps: uslThroughput(params, n),
        series: 'Universal Scalability Law fit',
      }));
      const measured = m.points.map((p) => ({ ...p, series: 'measured: median of the runs, min–max' }));
      const color = {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { range: ['#e45756', '#4c78a8'] },
        legend: { orient: 'bottom' },
      };
      const x = {
        field: 'n',
        type: 'quantitative',
        title: `${m.group} (N)`,
        scale: { domain: [0, fit.predictUpTo] },
        axis: { tickMinStep: 1, format: 'd' },
      };
      const spec = {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        title: {
          text: `Saturation throughput by ${m.group}: measured and modelled`,
          subtitle: shortWords(fit),
        },
        width: 560,
        height: 320,
        layer: [
          {
            data: { values: curve },
            mark: { type: 'line', strokeDash: [6, 3] },
            encoding: {
              x,
              y: { field: 'rps', type: 'quantitative', title: 'Saturation throughput (requests/s)' },
              color,
            },
          },
          {
            data: { values: measured },
            mark: { type: 'rule', strokeWidth: 1.5 },
            encoding: { x, y: { field: 'min', type: 'quantitative' }, y2: { field: 'max' }, color },
          },
          {
            data: { values: measured },
            mark: { type: 'point', filled: true, size: 70, tooltip: true },
            encoding: { x, y: { field: 'median', type: 'quantitative' }, color },
          },
        ],
        config: CONFIG,
      } as unknown as TopLevelSpec;
      return {
        name: `usl-${slug(m.group)}`,
        title: `Scalability model: ${m.group}`,
        caption: `The points are each count's saturation throughput (closed model), the median of its runs with whiskers from their min to their max; the dashed line is the Universal Scalability Law X(N) = λN / (1 + σ(N−1) + κN(N−1)) fitted to every run by least squares, drawn to twice the largest N measured. ${m.words}`,
        spec,
      };
    });
}
