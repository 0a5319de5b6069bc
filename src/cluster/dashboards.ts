import type { Topology } from './layout.js';
import type { DashboardName, KindPanel, Panel } from './monitoring.js';

export type { Panel } from './monitoring.js';

export interface Dashboard {
  /** File name and URL part (`store` → consoles/store.html, grafana/dashboards/store.json). */
  name: string;
  title: string;
  panels: Panel[];
}

/** The dashboards and their titles, in the order their pages link to each other. */
export const DASHBOARD_PAGES: ReadonlyArray<{ name: DashboardName; title: string }> = [
  { name: 'store', title: 'Bazaar: the store' },
  { name: 'databases', title: 'Bazaar: the stores and the machine' },
  { name: 'events', title: 'Bazaar: order events' },
];

/**
 * The dashboards, made of the panels every kind declares (in the registry's order): the
 * Prometheus console pages the cluster serves and the Grafana JSON shipped in
 * `observability/grafana` are both made from these, and a test runs every query against a live
 * Prometheus, so no panel ships broken.
 */
export function dashboardsOf(kinds: ReadonlyArray<{ panels?: readonly KindPanel[] }>): Dashboard[] {
  return DASHBOARD_PAGES.map(({ name, title }) => ({
    name,
    title,
    panels: kinds
      .flatMap((k) => k.panels ?? [])
      .filter((p) => p.dashboard === name)
      .map(({ dashboard: _, ...panel }) => panel),
  }));
}

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
  const links = DASHBOARD_PAGES.map((d) => `<a href="${d.name}.html">${escapeHtml(d.title)}</a>`).join(' · ');
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
