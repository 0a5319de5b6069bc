import type { TopLevelSpec } from 'vega-lite';

/** The look every chart shares. */
export const CONFIG = {
  font: 'DejaVu Sans',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 400 },
  title: { fontSize: 15, subtitleFontSize: 12, anchor: 'start' as const },
};

interface BarsOptions {
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
  /** Fields of the whiskers' ends (the repeats' min and max), drawn over each bar. */
  whiskers?: [string, string];
}

/** A bar per row, coloured by `offset`; `x` when the bars are not placed by the chart's own x. */
function barLayers(o: BarsOptions, x?: object): object[] {
  const bar = {
    mark: { type: 'bar', tooltip: true },
    encoding: {
      ...(x ? { x } : {}),
      y: { field: o.y, type: 'quantitative', title: o.yTitle },
      color: {
        field: o.offset,
        type: 'nominal',
        sort: o.offsetOrder,
        title: o.offsetTitle,
        // One series needs no legend: the axis says what the bars are.
        legend: o.offsetOrder.length > 1 ? { orient: 'bottom', columns: 2 } : null,
      },
    },
  };
  if (!o.whiskers) return [bar];
  const whiskers = {
    mark: { type: 'rule', color: '#222', strokeWidth: 1.5 },
    encoding: {
      ...(x ? { x } : {}),
      y: { field: o.whiskers[0], type: 'quantitative' },
      y2: { field: o.whiskers[1] },
    },
  };
  return [bar, whiskers];
}

/** Bars grouped by `x`, one per `offset` value, optionally with whiskers (min–max of repeats). */
export function groupedBars(rows: object[], o: BarsOptions): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: o.title, subtitle: o.subtitle },
    data: { values: rows },
    width: Math.max(480, o.xOrder.length * (o.offsetOrder.length * 14 + 12)),
    height: 300,
    encoding: {
      x: { field: o.x, type: 'nominal', sort: o.xOrder, title: o.xTitle, axis: { labelAngle: -35 } },
      xOffset: { field: o.offset, type: 'nominal', sort: o.offsetOrder },
    },
    layer: barLayers(o),
    config: CONFIG,
  } as TopLevelSpec;
}

/** Reads against writes: the bars of every chart that sets the two kinds side by side (mean, whiskers min–max). */
export function readsWritesBars(
  rows: object[],
  o: { title: string; subtitle: string; x: string; xTitle: string; xOrder: string[] },
): TopLevelSpec {
  return groupedBars(rows, {
    ...o,
    offset: 'kind',
    offsetTitle: 'Requests',
    offsetOrder: ['reads', 'writes'],
    y: 'mean_ms',
    yTitle: 'Mean time (ms)',
    whiskers: ['min', 'max'],
  });
}

/** The tallest bar is this many times the typical one: on one scale the others would be slivers. */
const HIDING_RATIO = 8;

/** Whether one scale would hide bars: the largest value many times the median of all. */
export function scalesHideBars(rows: object[], y: string): boolean {
  const values = rows
    .map((r) => Number((r as Record<string, unknown>)[y]))
    .filter((v) => v > 0)
    .sort((a, b) => a - b);
  if (values.length < 2) return false;
  return values[values.length - 1]! > HIDING_RATIO * values[Math.floor((values.length - 1) / 2)]!;
}

/** A panel per `x` value, each with a y scale of its own: no bar is hidden by another's scale. */
export function smallMultiples(rows: object[], o: BarsOptions): TopLevelSpec {
  const x = {
    field: o.offset,
    type: 'nominal',
    sort: o.offsetOrder,
    title: null,
    axis: { labels: false, ticks: false },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: o.title,
      subtitle: `${o.subtitle}; one panel per ${o.xTitle.toLowerCase()}, each with its own scale`,
    },
    data: { values: rows },
    facet: { field: o.x, type: 'nominal', sort: o.xOrder, title: o.xTitle },
    columns: 4,
    spec: { width: 150, height: 130, layer: barLayers(o, x) },
    resolve: { scale: { y: 'independent' } },
    config: CONFIG,
  } as TopLevelSpec;
}

/** Grouped bars on one scale where that hides none, else small multiples (said in the subtitle). */
export function readableBars(rows: object[], o: BarsOptions): TopLevelSpec {
  return scalesHideBars(rows, o.y) ? smallMultiples(rows, o) : groupedBars(rows, o);
}
