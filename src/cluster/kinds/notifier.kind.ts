import { rm } from 'node:fs/promises';
import { range, startAll, defineKind } from '../kind.js';
import { componentDir, countOf } from '../layout.js';
import { at } from '../addresses.js';
import { startBazaarProcess } from '../api-instance.js';

/** `bazaar notifier` processes: one consumer group over the order events topic (ADR 15). */
export const notifierKind = defineKind({
  name: 'notifier',
  title: 'notifier',
  dependsOn: ['seed', 'kafka'],
  countOption: {
    flag: '--notifiers <n>',
    description: 'notifier processes in the consumer group (default 1 with --kafka, else 0)',
    min: 0,
    max: 4,
    follows: (counts) => ((counts.kafka ?? 0) > 0 ? 1 : 0),
    refuse: (n, counts) =>
      n > 0 && !counts.kafka
        ? '--notifiers needs --kafka: without Kafka each API instance delivers its own events'
        : undefined,
  },
  ports: { notifier: { offset: 720, standard: 9100 } },
  host: { block: 90, code: 'nt', cpu: 0.1, memoryBytes: 256 * 2 ** 20 },
  panels: [
    {
      title: 'Notifier consumer lag (records)',
      dashboard: 'events',
      expr: 'sum(bazaar_notifier_consumer_lag)',
      unit: 'short',
      legend: 'lag',
      when: (t) => countOf(t, 'kafka') > 0,
    },
  ],
  alertRules: () => [
    {
      alert: 'NotifierFallingBehind',
      expr: 'sum(bazaar_notifier_consumer_lag) > 1000 and deriv(sum(bazaar_notifier_consumer_lag)[2m:10s]) > 0',
      for: '2m',
      severity: 'warning',
      summary: 'order events wait for the notifiers, and more each minute',
    },
  ],
  count: (t) => countOf(t, 'notifier'),
  address: (t, i) => at(t, 'notifier', i),
  metricsPath: '/metrics',
  // Runs on the Node.js this command runs on: nothing to install.
  requirements: () => [],
  async up(ctx) {
    const t = ctx.topology;
    ctx.step(`notifier x${this.count(t)}`);
    for (const i of range(this.count(t)))
      await rm(componentDir(t, 'notifier', i), { recursive: true, force: true });
    await startAll(ctx, this);
  },
  start: (ctx, i) => startBazaarProcess(ctx.topology, 'notifier', i, 'notifier', ctx.appEnv(), '/health'),
  // SIGTERM: finishes the events in hand and leaves the group (its partitions move at once).
  stopSignal: 'SIGTERM',
});
