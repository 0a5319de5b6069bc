import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ServerKind } from './kind.js';
import type { AlertRule } from './monitoring.js';
import { componentDir, componentName, hostPort, type Topology } from './layout.js';
import { at } from './addresses.js';
import { machineOf } from './machines/machine-of.js';

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
  const machine = machineOf(t, 'prometheus', 0);
  await machine.mkdir(targetsDir(t));
  for (const kind of kinds) {
    if (!kind.metricsPath) continue;
    const groups = Array.from({ length: kind.count(t) }, (_, i) => componentName(kind.name, i))
      .map((component, i) => ({
        component,
        address: hostPort((kind.metricsAddress ?? kind.address).call(kind, t, i)),
      }))
      .filter((c) => !stopped.has(c.component))
      .map((c) => ({ targets: [c.address], labels: { component: c.component } }));
    await machine.writeFile(join(targetsDir(t), `${kind.name}.json`), `${JSON.stringify(groups, null, 2)}\n`);
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

/**
 * The alert on every scraped component; each kind adds its own (ServerKind.alertRules), naming
 * the component it is about (`component` label) where there is one.
 */
const INSTANCE_DOWN: AlertRule = {
  alert: 'InstanceDown',
  expr: 'up == 0',
  for: '6s',
  severity: 'critical',
  summary: '{{ $labels.component }} does not answer its scrapes',
};

export function prometheusRules(t: Topology, kinds: readonly ServerKind[]): string {
  return stringify({
    groups: [
      {
        name: 'bazaar',
        rules: [INSTANCE_DOWN, ...kinds.flatMap((k) => k.alertRules?.(t) ?? [])].map((r) => ({
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
