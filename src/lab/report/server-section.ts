import type { BenchResults } from './bench-results.js';
import { configurationLabel } from './charts.js';
import { escape, table } from './html-parts.js';
import { DASHBOARD_PAGES } from '../../cluster/dashboards.js';

/** Where Grafana runs with the provisioning files of observability/grafana (its default port). */
const GRAFANA = 'http://localhost:3000';

/**
 * Per configuration with server figures: the window they cover, each route as the servers saw it,
 * CPU per process, and links opening each dashboard on that window (Grafana over the Prometheus
 * data the bench kept for it).
 */
export function serverFiguresSection(results: BenchResults): string {
  const runs = results.runs.filter((r) => r.server);
  if (runs.length === 0) return '';
  const parts = runs.map((r) => {
    const s = r.server!;
    const from = Date.parse(s.window.start);
    const to = Date.parse(s.window.end);
    const links = DASHBOARD_PAGES.map(
      (d) => `<a href="${GRAFANA}/d/bazaar-${d.name}?from=${from}&amp;to=${to}">${escape(d.title)}</a>`,
    ).join(' · ');
    const routes = table(
      ['route', 'req/s', 'API mean ms', 'API p99 ms', 'stores mean ms', 'nginx upstream mean ms'],
      Object.entries(s.routes).map(([route, f]) => [
        route,
        f.rate_per_s,
        f.api_mean_ms,
        f.api_p99_ms,
        f.store_mean_ms,
        f.nginx_upstream_mean_ms ?? '',
      ]),
    );
    const cpu = table(
      ['process', 'CPU (cores)'],
      Object.entries(s.cpu)
        .sort((a, b) => b[1] - a[1])
        .map(([c, v]) => [c, v]),
    );
    const kept = r.prometheus_data
      ? `<p>Its Prometheus data: <code>${escape(r.prometheus_data)}</code>.</p>`
      : '';
    return `<h3>${escape(configurationLabel(r.configuration.id, results.baseline))}</h3>
<p>Open-model runs from ${escape(s.window.start)} to ${escape(s.window.end)}. Dashboards on this window: ${links}</p>${kept}
${routes}
${cpu}`;
  });
  return `<h2>Where the time goes: server figures</h2>
<p>Read from the cluster's Prometheus (the API instances' histograms, increases over the open-model runs, warm-ups included) and nginx's access logs.
Store time is the sum of a request's store calls. To open the dashboard links, run Grafana with <code>observability/grafana</code>'s provisioning and a Prometheus over the kept data:
<code>prometheus --storage.tsdb.path=&lt;kept data&gt; --storage.tsdb.retention.time=10y --config.file=&lt;an empty file&gt;</code>.</p>
${parts.join('\n')}`;
}
