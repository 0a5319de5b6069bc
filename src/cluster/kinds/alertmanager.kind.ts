import { join } from 'node:path';
import { startSimpleServer } from '../simple-server.js';
import { startAll, defineKind } from '../kind.js';
import { componentDir, hostPort } from '../layout.js';
import { at } from '../addresses.js';
import { machineOf } from '../machines/machine-of.js';
import { alertmanagerConfig } from '../observability.js';
import { debianProgram } from '../requirements.js';

/** Alertmanager (Debian's): groups Prometheus's alerts and sends them to the launcher's receiver. */
export const alertmanagerKind = defineKind({
  name: 'alertmanager',
  title: 'Alertmanager',
  dependsOn: ['receiver'],
  ports: { alertmanager: { offset: 740, standard: 9093 } },
  host: { block: 205, code: 'am', cpu: 0.05, memoryBytes: 128 * 2 ** 20 },
  machineGroup: 'monitoring',
  count: (t) => (t.observability ? 1 : 0),
  address: (t, i) => at(t, 'alertmanager', i),
  metricsPath: '/metrics',
  requirements: () => [
    debianProgram('Prometheus Alertmanager', 'prometheus-alertmanager', 'prometheus-alertmanager'),
  ],
  async up(ctx) {
    await startAll(ctx, this);
  },
  async start(ctx, i) {
    const t = ctx.topology;
    const dir = componentDir(t, 'alertmanager', i);
    const machine = machineOf(t, 'alertmanager', i);
    await machine.mkdir(join(dir, 'data'));
    await machine.writeFile(join(dir, 'alertmanager.yml'), alertmanagerConfig(t));
    return startSimpleServer(t, alertmanagerKind, i, 'prometheus-alertmanager', [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=${hostPort(at(t, 'alertmanager', i))}`,
      // One instance: no gossip cluster to form (and no port of its own to take).
      '--cluster.listen-address=',
    ]);
  },
});
