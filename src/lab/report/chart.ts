import type { TopLevelSpec } from 'vega-lite';

/** One chart of the report: its file, its words, its Vega-Lite specification. */
export interface Chart {
  /** File name without extension, under charts/. */
  name: string;
  title: string;
  /** One sentence under the chart in index.html saying how to read it. */
  caption: string;
  spec: TopLevelSpec;
}
