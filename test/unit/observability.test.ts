import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { latestAlerts, type ReceivedAlert } from '../../src/cluster/alert-receiver.js';
import type { Topology } from '../../src/cluster/layout.js';
import { KINDS } from '../../src/cluster/registry.js';
import { prometheusConfig, prometheusDir, writeScrapeTargets } from '../../src/cluster/observability.js';
import { consolePage } from '../../src/cluster/dashboards.js';
import { DASHBOARDS } from '../../src/cluster/registry.js';
import { grafanaFiles } from '../../src/cli/dashboards.command.js';

const made: string[] = [];
after(() => Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true }))));

async function topology(): Promise<Topology> {
  const dir = await mkdtemp(join(tmpdir(), 'bazaar-obs-'));
  made.push(dir);
  return {
    counts: { postgres: 2, pgpool: 2, api: 3, nginx: 1, kafka: 1, notifier: 2 },
    mode: 'native',
    basePort: 20000,
    dir,
    seedProducts: 0,
    observability: true,
  };
}

test('scrape targets: every instance of each scraped kind, labelled by component, except those stopped on purpose', async () => {
  const t = await topology();
  await writeScrapeTargets(t, KINDS, new Set(['api:1']));
  const api = JSON.parse(await readFile(join(prometheusDir(t), 'targets', 'api.json'), 'utf8'));
  assert.deepEqual(api, [
    { targets: ['127.0.0.1:20050'], labels: { component: 'api:0' } },
    { targets: ['127.0.0.1:20052'], labels: { component: 'api:2' } },
  ]);
  const notifiers = JSON.parse(await readFile(join(prometheusDir(t), 'targets', 'notifier.json'), 'utf8'));
  assert.equal(notifiers.length, 2);
});

test('Prometheus is told a job per scraped kind the topology runs, each from its targets file', async () => {
  const t = await topology();
  const config = parse(prometheusConfig(t, KINDS));
  assert.deepEqual(
    config.scrape_configs.map((c: { job_name: string }) => c.job_name),
    [
      'kafka',
      'api',
      'notifier',
      'node-exporter',
      'postgres-exporter',
      'nginx-exporter',
      'pgpool-exporter',
      'alertmanager',
      'prometheus',
    ],
  );
  assert.deepEqual(config.alerting.alertmanagers[0].static_configs[0].targets, ['127.0.0.1:20740']);
});

test('cluster alerts: each alert by its latest word, firing ones first', () => {
  const alert = (status: 'firing' | 'resolved', component: string, starts: string): ReceivedAlert => ({
    received_at: starts,
    status,
    alertname: 'InstanceDown',
    component,
    severity: 'critical',
    summary: '',
    starts_at: starts,
    ends_at: '',
    fingerprint: component,
  });
  const latest = latestAlerts([
    alert('firing', 'api:0', '2026-01-01T00:00:01Z'),
    alert('firing', 'api:1', '2026-01-01T00:00:02Z'),
    alert('resolved', 'api:0', '2026-01-01T00:00:01Z'),
  ]);
  assert.deepEqual(
    latest.map((a) => [a.component, a.status]),
    [
      ['api:1', 'firing'],
      ['api:0', 'resolved'],
    ],
  );
});

test('the Grafana files in observability/grafana are the ones `bazaar dashboards` writes from the same panels', async () => {
  for (const [path, text] of Object.entries(grafanaFiles()))
    assert.equal(
      await readFile(join('observability', 'grafana', path), 'utf8'),
      text,
      `${path} is out of date: run \`npx bazaar dashboards\``,
    );
  const store = JSON.parse(
    await readFile(join('observability', 'grafana', 'dashboards', 'store.json'), 'utf8'),
  );
  assert.equal(store.panels.length, DASHBOARDS.find((d) => d.name === 'store')!.panels.length);
  assert.ok(store.panels.every((p: { targets: Array<{ expr: string }> }) => p.targets[0]!.expr.length > 0));
});

test('a console page holds a graph per panel the topology can fill, and no template braces of its own', async () => {
  const t = await topology();
  const events = DASHBOARDS.find((d) => d.name === 'events')!;
  const page = consolePage({ ...t, counts: { ...t.counts, kafka: 0 } }, events);
  assert.equal(
    (page.match(/new PromConsole.Graph/g) ?? []).length,
    events.panels.filter((p) => p.when === undefined).length,
    'no Kafka panels without Kafka',
  );
  const ownText = page.replace(/\{\{ template "[a-z_]+" \.? ?\}\}/g, '');
  assert.doesNotMatch(ownText, /\{\{|\}\}/);
});
