import { rm } from 'node:fs/promises';
import { startApi } from '../api-instance.js';
import { p99, rate } from '../monitoring.js';
import { range, startAll, defineKind } from '../kind.js';
import { componentDir, type Topology, countOf } from '../layout.js';
import { at } from '../addresses.js';
import { DEFAULT_TRACE_SAMPLE } from '../../config/tracing-settings.js';

/** The share of requests traced in this cluster. */
export function traceSample(t: Topology): number {
  return t.traceSample ?? DEFAULT_TRACE_SAMPLE;
}

/** API instances (`bazaar serve`), each given every store's endpoints by the other kinds. */
export const apiKind = defineKind({
  name: 'api',
  title: 'API',
  dependsOn: ['seed'],
  countOption: {
    flag: '--api <n>',
    description: 'API instances, 1..8',
    min: 1,
    max: 8,
    default: 2,
  },
  ports: { api: { offset: 50, standard: 8080 } },
  host: { block: 30, code: 'ap', cpu: 0.2, memoryBytes: 512 * 2 ** 20 },
  panels: [
    {
      title: 'Requests per second by route',
      dashboard: 'store',
      expr: rate('bazaar_http_requests_total', 'method, route'),
      unit: 'reqps',
      legend: '{{method}} {{route}}',
    },
    {
      title: 'Share of requests answered 5xx',
      dashboard: 'store',
      expr: `(sum(rate(bazaar_http_requests_total{status=~"5.."}[1m])) or vector(0)) / sum(rate(bazaar_http_requests_total[1m]))`,
      unit: 'percentunit',
      legend: '5xx',
    },
    {
      title: 'p99 time by route',
      dashboard: 'store',
      expr: p99('bazaar_http_request_duration_seconds', 'method, route'),
      unit: 's',
      legend: '{{method}} {{route}}',
    },
    {
      title: 'Mean time by route',
      dashboard: 'store',
      expr: `${rate('bazaar_http_request_duration_seconds_sum', 'method, route')} / ${rate('bazaar_http_request_duration_seconds_count', 'method, route')}`,
      unit: 's',
      legend: '{{method}} {{route}}',
    },
    {
      title: 'Mean time in the stores per request, by route',
      dashboard: 'store',
      expr: `${rate('bazaar_http_request_store_seconds_sum', 'method, route')} / ${rate('bazaar_http_request_store_seconds_count', 'method, route')}`,
      unit: 's',
      legend: '{{method}} {{route}}',
    },
    {
      title: 'p99 time of store operations',
      dashboard: 'store',
      expr: p99('bazaar_store_operation_duration_seconds', 'store, operation'),
      unit: 's',
      legend: '{{store}} {{operation}}',
    },
    {
      title: 'Product cache hit ratio',
      dashboard: 'store',
      expr: `sum(rate(bazaar_product_cache_hits_total[1m])) / (sum(rate(bazaar_product_cache_hits_total[1m])) + sum(rate(bazaar_product_cache_misses_total[1m])) > 0)`,
      unit: 'percentunit',
      legend: 'hits',
    },
    {
      title: 'CPU per process (cores)',
      dashboard: 'store',
      expr: 'sum by (component) (rate(process_cpu_seconds_total[1m]))',
      unit: 'short',
      legend: '{{component}}',
    },
    {
      title: 'Oldest unpublished order event (s)',
      dashboard: 'events',
      expr: 'max(bazaar_order_events_relay_lag_seconds)',
      unit: 's',
      legend: 'relay lag',
    },
    {
      title: 'Order events published per second',
      dashboard: 'events',
      expr: 'sum(rate(bazaar_order_events_published_total[1m]))',
      unit: 'ops',
      legend: 'published',
    },
    {
      title: 'Notifier outcomes per second',
      dashboard: 'events',
      expr: rate('bazaar_notifier_events_total', 'outcome'),
      unit: 'ops',
      legend: '{{outcome}}',
    },
    {
      title: 'Status change → notification, p99',
      dashboard: 'events',
      expr: 'histogram_quantile(0.99, sum by (le) (rate(bazaar_notification_delay_seconds_bucket[1m])))',
      unit: 's',
      legend: 'p99',
    },
  ],
  alertRules: () => [
    {
      alert: 'HighErrorRatio',
      expr: `sum by (component) (rate(bazaar_http_requests_total{status=~"5.."}[1m]))
  / sum by (component) (rate(bazaar_http_requests_total[1m])) > 0.01`,
      for: '1m',
      severity: 'critical',
      summary: '{{ $labels.component }} answers more than 1 % of requests with 5xx',
    },
    {
      alert: 'SlowRoute',
      expr: `histogram_quantile(0.99, sum by (le, route, method) (rate(bazaar_http_request_duration_seconds_bucket[1m]))) > 1`,
      for: '1m',
      severity: 'warning',
      summary: '{{ $labels.method }} {{ $labels.route }}: p99 over 1 s',
    },
    {
      alert: 'OrderEventsWaiting',
      expr: 'max(bazaar_order_events_relay_lag_seconds) > 30',
      for: '30s',
      severity: 'critical',
      summary: 'the oldest unpublished order event is over 30 s old',
    },
  ],
  count: (t) => countOf(t, 'api'),
  address: (t, i) => at(t, 'api', i),
  metricsPath: '/metrics',
  // Runs on the Node.js this command runs on: nothing to install.
  requirements: () => [],
  async up(ctx) {
    const t = ctx.topology;
    ctx.step(`API x${countOf(t, 'api')}`);
    for (const i of range(countOf(t, 'api')))
      await rm(componentDir(t, 'api', i), { recursive: true, force: true });
    await startAll(ctx, this);
  },
  start: (ctx, i) => startApi(ctx.topology, i, ctx.appEnv()),
  // The cluster's tracing, over whatever the caller's shell had.
  appEnv: (t) => ({
    BAZAAR_TRACE_SAMPLE: String(traceSample(t)),
    ...(t.otlpEndpoint ? { BAZAAR_OTLP_ENDPOINT: t.otlpEndpoint } : {}),
  }),
  // The API drains in-flight requests on SIGTERM.
  stopSignal: 'SIGTERM',
});
