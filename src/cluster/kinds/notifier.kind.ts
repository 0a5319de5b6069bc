import { rm } from 'node:fs/promises';
import { range, startAll, type ServerKind } from '../kind.js';
import { at, componentDir } from '../layout.js';
import { startBazaarProcess } from '../api-instance.js';

/** `bazaar notifier` processes: one consumer group over the order events topic (ADR 15). */
export const notifierKind: ServerKind = {
  name: 'notifier',
  title: 'notifier',
  dependsOn: ['seed', 'kafka'],
  countOption: {
    flag: '--notifiers <n>',
    description: 'notifier processes in the consumer group (default 1 with --kafka, else 0)',
    min: 0,
    max: 4,
  },
  count: (t) => t.notifiers ?? 0,
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
};
