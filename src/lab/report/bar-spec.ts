import type { TopLevelSpec } from 'vega-lite';

/** The look every chart shares. */
export const CONFIG = {
  font: 'DejaVu Sans',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 400 },
  title: { fontSize: 15, subtitleFontSize: 12, anchor: 'start' as const },
};

/** Bars grouped by `x`, one per `offset` value, optionally with whiskers (min–max of repeats). */
export function groupedBars(
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
    /** Fields of the whiskers' ends (the repeats' min and max), drawn over each bar. */
    whiskers?: [string, string];
  },
): TopLevelSpec {
  const bar = {
    mark: { type: 'bar', tooltip: true },
    encoding: {
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
  const whiskers = o.whiskers && {
    mark: { type: 'rule', color: '#222', strokeWidth: 1.5 },
    encoding: {
      y: { field: o.whiskers[0], type: 'quantitative' },
      y2: { field: o.whiskers[1] },
    },
  };
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
    layer: whiskers ? [bar, whiskers] : [bar],
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
