import type { Topology } from './layout.js';

// What a kind gives Prometheus beyond its metrics: alert rules about it and panels of its figures.
// Declared on each ServerKind; observability.ts and dashboards.ts gather them from every kind.

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  severity: 'critical' | 'warning';
  summary: string;
}

/** One chart: a PromQL query and how to read its values. */
export interface Panel {
  title: string;
  expr: string;
  /** Grafana's unit id (reqps, percentunit, s, short, bytes). */
  unit: 'reqps' | 'percentunit' | 's' | 'short' | 'ops';
  /** The series' legend, from their labels (`{{route}}`). */
  legend: string;
  /** Shown only when the topology runs what it reads (Redis, Kafka). */
  when?: (t: Topology) => boolean;
}

export type DashboardName = 'store' | 'databases' | 'events';

/** A panel of a kind's figures, on one of the dashboards. */
export interface KindPanel extends Panel {
  dashboard: DashboardName;
}

/** Per-second rate of a counter, summed by the labels given. */
export const rate = (metric: string, by: string, filter = '') =>
  `sum by (${by}) (rate(${metric}${filter ? `{${filter}}` : ''}[1m]))`;

/** The 99th percentile of a histogram, by the labels given. */
export const p99 = (metric: string, by: string) =>
  `histogram_quantile(0.99, sum by (le, ${by}) (rate(${metric}_bucket[1m])))`;
