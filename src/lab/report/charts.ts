import type { TopLevelSpec } from 'vega-lite';
import { OPERATION_NAMES } from '../load/operations.js';
import type { BenchResults } from './bench-results.js';

export interface Chart {
  /** File name without extension, under charts/. */
  name: string;
  title: string;
  /** One sentence under the chart in index.html saying how to read it. */
  caption: string;
  spec: TopLevelSpec;
}

const CONFIG = {
  font: 'DejaVu Sans',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 400 },
  title: { fontSize: 15, subtitleFontSize: 12, anchor: 'start' as const },
};

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** "pg2-pgpool2-api2-nginx2" reads better as "pg 2 · pgpool 2 · api 2 · nginx 2". */
export function configurationLabel(id: string, baseline: string): string {
  const text = id.replace(/([a-z]+)(\d+)/g, '$1 $2').replace(/-/g, ' · ');
  return id === baseline ? `${text} (baseline)` : text;
}

interface Row {
  configuration: string;
  operation: string;
  kind: string;
  mean_ms: number;
  p95_ms: number;
  p99_ms: number;
}

function groupedBars(
  rows: object[],
  o: {
    title: string;
    subtitle: string;
    x: string;
    xTitle: string;
    xOrder: string[];
    offset: string;
    offsetTitle: string;
    offsetOrder: string[];
    y: string;
    yTitle: string;
  },
): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: o.title, subtitle: o.subtitle },
    data: { values: rows },
    width: Math.max(480, o.xOrder.length * (o.offsetOrder.length * 14 + 12)),
    height: 300,
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: o.x, type: 'nominal', sort: o.xOrder, title: o.xTitle, axis: { labelAngle: -35 } },
      xOffset: { field: o.offset, type: 'nominal', sort: o.offsetOrder },
      y: { field: o.y, type: 'quantitative', title: o.yTitle },
      color: {
        field: o.offset,
        type: 'nominal',
        sort: o.offsetOrder,
        title: o.offsetTitle,
        legend: { orient: 'bottom', columns: 2 },
      },
    },
    config: CONFIG,
  } as TopLevelSpec;
}

/** Every chart lab.md asks for, as Vega-Lite specifications over the bench's results. */
export function benchCharts(results: BenchResults): Chart[] {
  const ok = results.runs.filter((r) => r.status === 'ok' && r.load);
  const label = (id: string) => configurationLabel(id, results.baseline);
  const rows: Row[] = ok.flatMap((r) =>
    Object.entries(r.load!.operations).map(([operation, s]) => ({
      configuration: label(r.configuration.id),
      operation,
      kind: s.kind,
      mean_ms: s.mean_ms,
      p95_ms: s.p95_ms,
      p99_ms: s.p99_ms,
    })),
  );
  const operations = OPERATION_NAMES.filter((op) => rows.some((r) => r.operation === op));
  const configurations = ok.map((r) => label(r.configuration.id));
  const charts: Chart[] = [];

  for (const group of results.groups) {
    const members = group.members.filter((m) => ok.some((r) => r.configuration.id === m.configuration));
    if (members.length === 0) continue;
    const memberRows = members.flatMap((m) =>
      rows
        .filter((r) => r.configuration === label(m.configuration))
        .map((r) => ({ ...r, member: m.baseline ? `${m.label} (baseline)` : m.label })),
    );
    const order = members.map((m) => (m.baseline ? `${m.label} (baseline)` : m.label));
    charts.push({
      name: `mean-${slug(group.name)}`,
      title: `Mean time of each operation: ${group.name}`,
      caption: `Each group of bars is one operation; each bar one ${group.name} setting, the rest as the baseline. Lower is faster.`,
      spec: groupedBars(memberRows, {
        title: `Mean time of each operation by ${group.name}`,
        subtitle: 'one bar per configuration; lower is faster',
        x: 'operation',
        xTitle: 'Operation',
        xOrder: operations,
        offset: 'member',
        offsetTitle: group.name,
        offsetOrder: order,
        y: 'mean_ms',
        yTitle: 'Mean time (ms)',
      }),
    });
  }

  for (const p of ['p95', 'p99'] as const) {
    charts.push({
      name: `${p}-by-configuration`,
      title: `${p} of each operation per configuration`,
      caption: `${p === 'p95' ? '95' : '99'} % of requests of an operation took at most this long; tails show queueing that means hide.`,
      spec: groupedBars(rows, {
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
  charts.push({
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
  });

  const kinds = ok.flatMap((r) => [
    { configuration: label(r.configuration.id), kind: 'reads', mean_ms: r.load!.reads.mean_ms },
    { configuration: label(r.configuration.id), kind: 'writes', mean_ms: r.load!.writes.mean_ms },
  ]);
  charts.push({
    name: 'reads-vs-writes',
    title: 'Mean time of reads and of writes per configuration',
    caption:
      'Reads: product list, search and card, cart and order views. Writes: everything that changes data, log-in included.',
    spec: groupedBars(kinds, {
      title: 'Mean time of reads vs writes per configuration',
      subtitle: 'all operations of each kind together; lower is faster',
      x: 'configuration',
      xTitle: 'Configuration',
      xOrder: configurations,
      offset: 'kind',
      offsetTitle: 'Requests',
      offsetOrder: ['reads', 'writes'],
      y: 'mean_ms',
      yTitle: 'Mean time (ms)',
    }),
  });

  const changes = results.changes
    .filter((c) => c.configuration !== results.baseline)
    .flatMap((c) => [
      { change: c.label, kind: 'reads', pct: c.read_change_pct ?? 0 },
      { change: c.label, kind: 'writes', pct: c.write_change_pct ?? 0 },
    ]);
  if (changes.length > 0) {
    charts.push({
      name: 'change-vs-baseline',
      title: 'Change of read and write mean against the baseline',
      caption: 'Negative is faster than the baseline, positive slower, for each factor changed on its own.',
      spec: groupedBars(changes, {
        title: 'Each factor against the baseline: change of mean time',
        subtitle: `against the baseline ${configurationLabel(results.baseline, '')}; below 0 = faster`,
        x: 'change',
        xTitle: 'Factor changed',
        xOrder: [...new Set(changes.map((c) => c.change))],
        offset: 'kind',
        offsetTitle: 'Requests',
        offsetOrder: ['reads', 'writes'],
        y: 'pct',
        yTitle: 'Change of mean time (%)',
      }),
    });
  }
  return charts;
}
