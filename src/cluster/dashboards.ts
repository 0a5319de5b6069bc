import type { Topology } from './layout.js';

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

export interface Dashboard {
  /** File name and URL part (`store` → consoles/store.html, grafana/dashboards/store.json). */
  name: string;
  title: string;
  panels: Panel[];
}

const rate = (metric: string, by: string, filter = '') =>
  `sum by (${by}) (rate(${metric}${filter ? `{${filter}}` : ''}[1m]))`;
const p99 = (metric: string, by: string) =>
  `histogram_quantile(0.99, sum by (le, ${by}) (rate(${metric}_bucket[1m])))`;

/**
 * The dashboards, in one place: the Prometheus console pages the cluster serves and the Grafana
 * JSON shipped in `observability/grafana` are both made from these, and a test runs every query
 * against a live Prometheus, so no panel ships broken.
 */
export const DASHBOARDS: readonly Dashboard[] = [
  {
    name: 'store',
    title: 'Bazaar: the store',
    panels: [
      {
        title: 'Requests per second by route',
        expr: rate('bazaar_http_requests_total', 'method, route'),
        unit: 'reqps',
        legend: '{{method}} {{route}}',
      },
      {
        title: 'Share of requests answered 5xx',
        expr: `(sum(rate(bazaar_http_requests_total{status=~"5.."}[1m])) or vector(0)) / sum(rate(bazaar_http_requests_total[1m]))`,
        unit: 'percentunit',
        legend: '5xx',
      },
      {
        title: 'p99 time by route',
        expr: p99('bazaar_http_request_duration_seconds', 'method, route'),
        unit: 's',
        legend: '{{method}} {{route}}',
      },
      {
        title: 'Mean time by route',
        expr: `${rate('bazaar_http_request_duration_seconds_sum', 'method, route')} / ${rate('bazaar_http_request_duration_seconds_count', 'method, route')}`,
        unit: 's',
        legend: '{{method}} {{route}}',
      },
      {
        title: 'Mean time in the stores per request, by route',
        expr: `${rate('bazaar_http_request_store_seconds_sum', 'method, route')} / ${rate('bazaar_http_request_store_seconds_count', 'method, route')}`,
        unit: 's',
        legend: '{{method}} {{route}}',
      },
      {
        title: 'p99 time of store operations',
        expr: p99('bazaar_store_operation_duration_seconds', 'store, operation'),
        unit: 's',
        legend: '{{store}} {{operation}}',
      },
      {
        title: 'Product cache hit ratio',
        expr: `sum(rate(bazaar_product_cache_hits_total[1m])) / (sum(rate(bazaar_product_cache_hits_total[1m])) + sum(rate(bazaar_product_cache_misses_total[1m])) > 0)`,
        unit: 'percentunit',
        legend: 'hits',
      },
      {
        title: 'CPU per process (cores)',
        expr: 'sum by (component) (rate(process_cpu_seconds_total[1m]))',
        unit: 'short',
        legend: '{{component}}',
      },
    ],
  },
  {
    name: 'databases',
    title: 'Bazaar: the stores and the machine',
    panels: [
      {
        title: 'PostgreSQL commits per second, per backend',
        expr: rate('pg_stat_database_xact_commit', 'component', 'datname="bazaar"'),
        unit: 'ops',
        legend: '{{component}}',
      },
      {
        title: 'PostgreSQL sessions, per backend',
        expr: 'sum by (component) (pg_stat_database_numbackends{datname="bazaar"})',
        unit: 'short',
        legend: '{{component}}',
      },
      {
        title: 'Backends in use, as each pgpool-II sees them',
        expr: 'min by (backend) (bazaar_pgpool_backend_up)',
        unit: 'short',
        legend: '{{backend}}',
      },
      {
        title: 'Redis commands per second, per node',
        expr: rate('redis_commands_processed_total', 'component'),
        unit: 'ops',
        legend: '{{component}}',
        when: (t) => (t.redis ?? 0) > 0,
      },
      {
        title: 'Cassandra coordinator requests per second',
        expr: `sum by (scope) (rate(org_apache_cassandra_metrics_clientrequest_count{name="Latency"}[1m]))`,
        unit: 'ops',
        legend: '{{scope}}',
        when: (t) => (t.cassandra ?? 0) > 0,
      },
      {
        title: 'Cassandra nodes seen down, per node',
        expr: 'max by (component) (org_apache_cassandra_net_failuredetector_downendpointcount)',
        unit: 'short',
        legend: '{{component}}',
        when: (t) => (t.cassandra ?? 0) > 0,
      },
      {
        title: 'nginx requests per second',
        expr: rate('nginx_http_requests_total', 'component'),
        unit: 'reqps',
        legend: '{{component}}',
      },
      {
        title: 'nginx active connections',
        expr: 'sum by (component) (nginx_connections_active)',
        unit: 'short',
        legend: '{{component}}',
      },
      {
        title: 'Machine CPU by mode (cores)',
        expr: `sum by (mode) (rate(node_cpu_seconds_total{mode!="idle"}[1m]))`,
        unit: 'short',
        legend: '{{mode}}',
      },
    ],
  },
  {
    name: 'events',
    title: 'Bazaar: order events',
    panels: [
      {
        title: 'Oldest unpublished order event (s)',
        expr: 'max(bazaar_order_events_relay_lag_seconds)',
        unit: 's',
        legend: 'relay lag',
      },
      {
        title: 'Order events published per second',
        expr: 'sum(rate(bazaar_order_events_published_total[1m]))',
        unit: 'ops',
        legend: 'published',
      },
      {
        title: 'Notifier outcomes per second',
        expr: rate('bazaar_notifier_events_total', 'outcome'),
        unit: 'ops',
        legend: '{{outcome}}',
      },
      {
        title: 'Status change → notification, p99',
        expr: 'histogram_quantile(0.99, sum by (le) (rate(bazaar_notification_delay_seconds_bucket[1m])))',
        unit: 's',
        legend: 'p99',
      },
      {
        title: 'Kafka messages in per second, per broker',
        expr: rate('kafka_server_brokertopicmetrics_count', 'component', 'name="MessagesInPerSec"'),
        unit: 'ops',
        legend: '{{component}}',
        when: (t) => (t.kafka ?? 0) > 0,
      },
      {
        title: 'Kafka under-replicated partitions, per broker',
        expr: 'max by (component) (kafka_server_replicamanager_value{name="UnderReplicatedPartitions"})',
        unit: 'short',
        legend: '{{component}}',
        when: (t) => (t.kafka ?? 0) > 0,
      },
      {
        title: 'Notifier consumer lag (records)',
        expr: 'sum(bazaar_notifier_consumer_lag)',
        unit: 'short',
        legend: 'lag',
        when: (t) => (t.kafka ?? 0) > 0,
      },
    ],
  },
];

/** The panels a topology can fill. */
export function panelsFor(t: Topology, dashboard: Dashboard): Panel[] {
  return dashboard.panels.filter((p) => p.when?.(t) ?? true);
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * A Prometheus console page (Go template over Debian's console libraries): a graph per panel,
 * drawn by the console's own PromConsole.Graph, and links to the other pages.
 */
export function consolePage(t: Topology, dashboard: Dashboard): string {
  const links = DASHBOARDS.map((d) => `<a href="${d.name}.html">${escapeHtml(d.title)}</a>`).join(' · ');
  const graphs = panelsFor(t, dashboard)
    .map(
      (p, i) => `<h3>${escapeHtml(p.title)}</h3>
<div id="panel${i}"></div>
<script>
new PromConsole.Graph({
  node: document.querySelector("#panel${i}"),
  expr: ${JSON.stringify(p.expr)},
  name: ${JSON.stringify(p.legend.replace(/\{\{(\w+)\}\}/g, '[[$1]]'))},
  yAxisFormatter: PromConsole.NumberFormatter.humanizeNoSmallPrefix,
  yHoverFormatter: PromConsole.NumberFormatter.humanizeNoSmallPrefix,
  yTitle: ${JSON.stringify(p.unit)}
})
</script>`,
    )
    .join('\n');
  // Go templates read {{ }}: the page's own text holds none but the library calls. The content
  // head draws the time controls already.
  return `{{ template "head" . }}
{{ template "prom_content_head" . }}
<h1>${escapeHtml(dashboard.title)}</h1>
<p>${links}</p>
${graphs}
{{ template "prom_content_tail" . }}
{{ template "tail" }}
`;
}

/** A Grafana dashboard (schema 39) over a Prometheus data source named `Prometheus`. */
export function grafanaDashboard(dashboard: Dashboard): object {
  return {
    uid: `bazaar-${dashboard.name}`,
    title: dashboard.title,
    tags: ['bazaar'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    refresh: '5s',
    time: { from: 'now-15m', to: 'now' },
    panels: dashboard.panels.map((p, i) => ({
      id: i + 1,
      type: 'timeseries',
      title: p.title,
      datasource: { type: 'prometheus', uid: 'prometheus' },
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
      targets: [{ refId: 'A', expr: p.expr, legendFormat: p.legend }],
    })),
  };
}
