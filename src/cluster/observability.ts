import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ServerKind } from './kind.js';
import { at, componentDir, componentName, hostPort, type Topology } from './layout.js';

// What Prometheus and Alertmanager are told: where to scrape (file-based service discovery the
// launcher rewrites), which rules to alert on, and where alerts go (the launcher's receiver).

/** Scrapes and rule evaluations every 2 s: a drill's crash is alerted on within seconds. */
const INTERVAL = '2s';

export function prometheusDir(t: Topology): string {
  return componentDir(t, 'prometheus', 0);
}

function targetsDir(t: Topology): string {
  return join(prometheusDir(t), 'targets');
}

/**
 * One file per scraped kind, listing every instance not stopped on purpose, labelled with its
 * component name. Written whole and renamed, so Prometheus never reads half a file.
 */
export async function writeScrapeTargets(
  t: Topology,
  kinds: readonly ServerKind[],
  stopped: ReadonlySet<string>,
): Promise<void> {
  await mkdir(targetsDir(t), { recursive: true });
  for (const kind of kinds) {
    if (!kind.metricsPath) continue;
    const groups = Array.from({ length: kind.count(t) }, (_, i) => componentName(kind.name, i))
      .map((component, i) => ({
        component,
        address: hostPort((kind.metricsAddress ?? kind.address).call(kind, t, i)),
      }))
      .filter((c) => !stopped.has(c.component))
      .map((c) => ({ targets: [c.address], labels: { component: c.component } }));
    const file = join(targetsDir(t), `${kind.name}.json`);
    await writeFile(`${file}.new`, `${JSON.stringify(groups, null, 2)}\n`);
    await rename(`${file}.new`, file);
  }
}

export function prometheusConfig(t: Topology, kinds: readonly ServerKind[]): string {
  return stringify({
    global: { scrape_interval: INTERVAL, evaluation_interval: INTERVAL, scrape_timeout: INTERVAL },
    rule_files: [join(prometheusDir(t), 'rules.yml')],
    alerting: {
      alertmanagers: [{ static_configs: [{ targets: [hostPort(at(t, 'alertmanager', 0))] }] }],
    },
    scrape_configs: kinds
      .filter((k) => k.metricsPath && k.count(t) > 0)
      .map((k) => ({
        job_name: k.name,
        metrics_path: k.metricsPath,
        file_sd_configs: [{ files: [join(targetsDir(t), `${k.name}.json`)], refresh_interval: INTERVAL }],
      })),
  });
}

interface Rule {
  alert: string;
  expr: string;
  for: string;
  severity: 'critical' | 'warning';
  summary: string;
}

/**
 * The alerts that matter here. Each names the component it is about (`component` label) where
 * there is one. Thresholds: 5xx over 1 % of requests, a route's p99 over 1 s, order events
 * waiting over 30 s, a consumer lag that grows for 2 minutes.
 */
const RULES: Rule[] = [
  {
    alert: 'InstanceDown',
    expr: 'up == 0',
    for: '6s',
    severity: 'critical',
    summary: '{{ $labels.component }} does not answer its scrapes',
  },
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
  {
    alert: 'NotifierFallingBehind',
    expr: 'sum(bazaar_notifier_consumer_lag) > 1000 and deriv(sum(bazaar_notifier_consumer_lag)[2m:10s]) > 0',
    for: '2m',
    severity: 'warning',
    summary: 'order events wait for the notifiers, and more each minute',
  },
];

/** Rules that depend on the topology: which servers run, how many replicas Redis should have. */
function topologyRules(t: Topology): Rule[] {
  const rules: Rule[] = [
    {
      alert: 'PostgresDown',
      expr: 'pg_up == 0',
      for: '6s',
      severity: 'critical',
      summary: 'the exporter beside {{ $labels.component }} cannot reach its PostgreSQL',
    },
  ];
  rules.push({
    alert: 'BackendDetached',
    // Named after the backend (component="postgres:1"), not after the exporter that saw it.
    expr: 'label_replace(bazaar_pgpool_backend_up == 0, "component", "$1", "backend", "(.+)")',
    for: '6s',
    severity: 'critical',
    summary: '{{ $labels.pgpool }} no longer sends statements to {{ $labels.backend }}',
  });
  if (t.pg > 1)
    rules.push({
      alert: 'BackendsDiffer',
      expr: 'bazaar_pgpool_backends_differing_tables > 0',
      for: '20s',
      severity: 'critical',
      summary: "the PostgreSQL backends' row counts differ in {{ $value }} tables",
    });
  if ((t.cassandra ?? 0) > 1)
    rules.push({
      alert: 'CassandraNodeDown',
      expr: 'max by (component) (org_apache_cassandra_net_failuredetector_downendpointcount) > 0',
      for: '10s',
      severity: 'critical',
      summary: '{{ $labels.component }} sees {{ $value }} node(s) of the ring down',
    });
  if ((t.kafka ?? 0) > 0)
    rules.push(
      {
        alert: 'KafkaUnderReplicated',
        expr: 'max by (component) (kafka_server_replicamanager_value{name="UnderReplicatedPartitions"}) > 0',
        for: '30s',
        severity: 'warning',
        summary: '{{ $labels.component }} leads {{ $value }} partition(s) short of replicas',
      },
      {
        alert: 'KafkaOfflinePartitions',
        expr: 'max(kafka_controller_kafkacontroller_value{name="OfflinePartitionsCount"}) > 0',
        for: '10s',
        severity: 'critical',
        summary: '{{ $value }} partition(s) have no leader: order events cannot be published to them',
      },
    );
  const replicas = (t.redis ?? 0) - 1;
  if (replicas > 0)
    rules.push({
      alert: 'RedisReplicasMissing',
      expr: `max(redis_connected_slaves) < ${replicas}`,
      for: '10s',
      severity: 'warning',
      summary: `the Redis primary has fewer than its ${replicas} replicas`,
    });
  return rules;
}

export function prometheusRules(t: Topology): string {
  return stringify({
    groups: [
      {
        name: 'bazaar',
        rules: [...RULES, ...topologyRules(t)].map((r) => ({
          alert: r.alert,
          expr: r.expr,
          for: r.for,
          labels: { severity: r.severity },
          annotations: { summary: r.summary },
        })),
      },
    ],
  });
}

/** Every alert to the launcher's receiver, quickly, and again when it resolves. */
export function alertmanagerConfig(t: Topology): string {
  return stringify({
    route: {
      receiver: 'bazaar',
      group_by: ['alertname', 'component'],
      group_wait: '1s',
      group_interval: '5s',
      repeat_interval: '1h',
    },
    receivers: [
      {
        name: 'bazaar',
        webhook_configs: [{ url: `http://${hostPort(at(t, 'receiver', 0))}/alerts`, send_resolved: true }],
      },
    ],
  });
}
