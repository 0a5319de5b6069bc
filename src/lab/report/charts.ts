import type { TopLevelSpec } from 'vega-lite';
import { OPERATION_NAMES } from '../load/operations.js';
import type { BenchResults } from './bench-results.js';
import { spreadOrZero as spread } from '../bench/spread.js';
import type { RunRecord } from '../bench/runner.js';
import { CONFIG, groupedBars, readableBars, readsWritesBars } from './bar-spec.js';
import { whereTimeGoesCharts } from './where-time-goes.js';

import type { Chart } from './chart.js';
import { slug } from './html-parts.js';
import { scalabilityCharts } from './scalability.js';
import { changeCharts } from './change-chart.js';
export type { Chart };

/** "pg2-pgpool2-api2-nginx2" reads better as "pg 2 · pgpool 2 · api 2 · nginx 2". */
export function configurationLabel(id: string, baseline: string): string {
  const text = id.replace(/([a-z]+)(\d+)/g, '$1 $2').replace(/-/g, ' · ');
  return id === baseline ? `${text} (baseline)` : text;
}

interface Row {
  configuration: string;
  operation: string;
  kind: string;
  /** Median over the open model's repeats, with their min and max. */
  mean_ms: number;
  mean_min: number;
  mean_max: number;
  p95_ms: number;
  p99_ms: number;
}

/** A run's mean time of all reads and of all writes over its open-model repeats. */
function readsAndWrites(run: RunRecord) {
  return (['reads', 'writes'] as const).map((kind) => {
    const v = spread((run.open ?? [run.load!]).map((x) => x[kind].mean_ms));
    return { kind, mean_ms: v.median, min: v.min, max: v.max };
  });
}

/** What every chart reads: the completed runs, a row per run and operation, the labels and texts. */
function chartContext(results: BenchResults) {
  const ok = results.runs.filter((r) => r.status === 'ok' && r.load);
  const label = (id: string) => configurationLabel(id, results.baseline);
  const rows: Row[] = ok.flatMap((r) =>
    Object.entries(r.load!.operations).map(([operation, s]) => {
      const means = spread((r.open ?? [r.load!]).map((x) => x.operations[operation]?.mean_ms ?? s.mean_ms));
      return {
        configuration: label(r.configuration.id),
        operation,
        kind: s.kind,
        mean_ms: means.median,
        mean_min: means.min,
        mean_max: means.max,
        p95_ms: s.p95_ms,
        p99_ms: s.p99_ms,
      };
    }),
  );
  const operations = OPERATION_NAMES.filter((op) => rows.some((r) => r.operation === op));
  const configurations = ok.map((r) => label(r.configuration.id));
  const open = results.load.open;
  const arrivalText = open?.type === 'open' ? `${open.arrival_per_s} sessions/s (open model)` : 'open model';
  const closedUsers = results.load.closed.type === 'closed' ? results.load.closed.users : 0;

  return { results, ok, label, rows, operations, configurations, arrivalText, closedUsers };
}

type ChartContext = ReturnType<typeof chartContext>;

/** Every chart docs/lab.md names, as Vega-Lite specifications over the bench's results. */
export function benchCharts(results: BenchResults): Chart[] {
  const ctx = chartContext(results);
  return [
    ...results.groups.flatMap((group) => groupCharts(ctx, group)),
    ...tailCharts(ctx),
    throughputChart(ctx),
    readsVsWritesChart(ctx),
    ...changeCharts(results, configurationLabel(results.baseline, '')),
    ...scalabilityCharts(results.scalability ?? []),
    ...whereTimeGoesCharts(ctx.ok, ctx.label),
  ];
}

/** A group's charts: each member (a setting of one factor) against the others. */
function groupCharts(ctx: ChartContext, group: BenchResults['groups'][number]): Chart[] {
  const { results, ok, label, rows, operations, arrivalText } = ctx;
  const charts: Chart[] = [];
  const members = group.members.filter((m) => ok.some((r) => r.configuration.id === m.configuration));
  if (members.length === 0) return [];
  const memberRows = members.flatMap((m) =>
    rows
      .filter((r) => r.configuration === label(m.configuration))
      .map((r) => ({ ...r, member: m.baseline ? `${m.label} (baseline)` : m.label })),
  );
  const order = members.map((m) => (m.baseline ? `${m.label} (baseline)` : m.label));
  charts.push({
    name: `mean-${slug(group.name)}`,
    title: `Mean time of each operation: ${group.name}`,
    caption: `Each group of bars is one operation; each bar one ${group.name} setting, the rest as the baseline, at the same arrival rate (open model): the median of the repeats, whiskers from their min to their max. Lower is faster.`,
    spec: readableBars(memberRows, {
      title: `Mean time of each operation by ${group.name}`,
      subtitle: `${arrivalText}; median of ${results.load.repeats} runs, whiskers min–max; lower is faster`,
      x: 'operation',
      xTitle: 'Operation',
      xOrder: operations,
      offset: 'member',
      offsetTitle: group.name,
      offsetOrder: order,
      y: 'mean_ms',
      yTitle: 'Mean time (ms)',
      whiskers: ['mean_min', 'mean_max'],
    }),
  });
  const split = members.flatMap((m) => {
    const run = ok.find((r) => r.configuration.id === m.configuration)!;
    return readsAndWrites(run).map((row) => ({
      member: m.baseline ? `${m.label} (baseline)` : m.label,
      ...row,
    }));
  });
  charts.push({
    name: `reads-writes-${slug(group.name)}`,
    title: `Reads against writes: ${group.name}`,
    caption: `Mean time of all reads and of all writes for each ${group.name} setting, at the same arrival rate: the median of the repeats, whiskers from their min to their max.`,
    spec: readsWritesBars(split, {
      title: `Reads against writes by ${group.name}`,
      subtitle: `${arrivalText}; median of ${results.load.repeats} runs, whiskers min–max; lower is faster`,
      x: 'member',
      xTitle: group.name,
      xOrder: order,
    }),
  });
  charts.push(...saturationChart(ctx, group.name, members, order));
  return charts;
}

/** Each member's saturation throughput (closed model), when any was measured. */
function saturationChart(
  { results, ok, closedUsers }: ChartContext,
  name: string,
  members: BenchResults['groups'][number]['members'],
  order: string[],
): Chart[] {
  const saturation = members.map((m) => {
    const run = ok.find((r) => r.configuration.id === m.configuration)!;
    const rps = spread((run.closed ?? []).map((x) => x.totals.rps));
    return {
      member: m.baseline ? `${m.label} (baseline)` : m.label,
      what: 'saturation',
      rps: rps.median,
      min: rps.min,
      max: rps.max,
    };
  });
  if (!saturation.some((x) => x.rps > 0)) return [];
  return [
    {
      name: `saturation-${slug(name)}`,
      title: `Saturation throughput: ${name}`,
      caption: `Requests per second with ${closedUsers} shopaholics back to back (closed model): the median of the repeats, whiskers from their min to their max. Higher serves more.`,
      spec: groupedBars(saturation, {
        title: `Saturation throughput by ${name}`,
        subtitle: `closed model, ${closedUsers} users; median of ${results.load.repeats} runs, whiskers min–max; higher is more`,
        x: 'member',
        xTitle: name,
        xOrder: order,
        offset: 'what',
        offsetTitle: 'Measured',
        offsetOrder: ['saturation'],
        y: 'rps',
        yTitle: 'Requests per second',
        whiskers: ['min', 'max'],
      }),
    },
  ];
}

/** p95 and p99 of each operation per configuration. */
function tailCharts({ rows, operations, configurations }: ChartContext): Chart[] {
  const charts: Chart[] = [];
  for (const p of ['p95', 'p99'] as const) {
    charts.push({
      name: `${p}-by-configuration`,
      title: `${p} of each operation per configuration`,
      caption: `${p === 'p95' ? '95' : '99'} % of requests of an operation took at most this long; tails show queueing that means hide.`,
      spec: readableBars(rows, {
        title: `${p} time of each operation per configuration`,
        subtitle: `${p === 'p95' ? '95' : '99'} % of requests were faster; lower is better`,
        x: 'operation',
        xTitle: 'Operation',
        xOrder: operations,
        offset: 'configuration',
        offsetTitle: 'Configuration',
        offsetOrder: configurations,
        y: `${p}_ms`,
        yTitle: `${p} time (ms)`,
      }),
    });
  }
  return charts;
}

function throughputChart({ ok, label, configurations }: ChartContext): Chart {
  const totals = ok.map((r) => ({
    configuration: label(r.configuration.id),
    rps: r.load!.totals.rps,
    error_pct: r.load!.totals.count
      ? Math.round((r.load!.totals.errors / r.load!.totals.count) * 10000) / 100
      : 0,
  }));
  const bar = (field: string, title: string, color: string) => ({
    width: Math.max(260, configurations.length * 40),
    height: 260,
    mark: { type: 'bar' as const, tooltip: true, color },
    encoding: {
      x: {
        field: 'configuration',
        type: 'nominal' as const,
        sort: configurations,
        title: 'Configuration',
        axis: { labelAngle: -35 },
      },
      y: { field, type: 'quantitative' as const, title },
    },
  });
  return {
    name: 'throughput-and-errors',
    title: 'Throughput and error rate per configuration',
    caption: 'Completed requests per second over the measured window, and the share of them that failed.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title: {
        text: 'Throughput and error rate per configuration',
        subtitle: 'same load model in every configuration',
      },
      data: { values: totals },
      hconcat: [
        bar('rps', 'Throughput (requests/s)', '#4c78a8'),
        bar('error_pct', 'Errors (% of requests)', '#e45756'),
      ],
      config: CONFIG,
    } as TopLevelSpec,
  };
}

function readsVsWritesChart({ ok, label, configurations, arrivalText }: ChartContext): Chart {
  const kinds = ok.flatMap((r) =>
    readsAndWrites(r).map((row) => ({ configuration: label(r.configuration.id), ...row })),
  );
  return {
    name: 'reads-vs-writes',
    title: 'Mean time of reads and of writes per configuration',
    caption:
      'Reads: product list, search and card, cart and order views. Writes: everything that changes data, log-in included.',
    spec: readsWritesBars(kinds, {
      title: 'Mean time of reads vs writes per configuration',
      subtitle: `all operations of each kind together, ${arrivalText}; median, whiskers min–max; lower is faster`,
      x: 'configuration',
      xTitle: 'Configuration',
      xOrder: configurations,
    }),
  };
}
