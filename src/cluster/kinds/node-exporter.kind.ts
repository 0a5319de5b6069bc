import { startSimpleServer } from '../simple-server.js';
import { startAll, defineKind } from '../kind.js';
import { hostPort } from '../layout.js';
import { at } from '../addresses.js';
import { debianProgram } from '../requirements.js';

/** The machine's CPU, memory, disk and network, for Prometheus (Debian's node exporter). */
export const nodeExporterKind = defineKind({
  name: 'node-exporter',
  title: 'node exporter',
  dependsOn: [],
  ports: { nodeExporter: { offset: 760, standard: 9100 } },
  host: { block: 215, code: 'ne', cpu: 0.02, memoryBytes: 64 * 2 ** 20 },
  machineGroup: 'monitoring',
  panels: [
    {
      title: 'Machine CPU by mode (cores)',
      dashboard: 'databases',
      expr: `sum by (mode) (rate(node_cpu_seconds_total{mode!="idle"}[1m]))`,
      unit: 'short',
      legend: '{{mode}}',
    },
  ],
  count: (t) => (t.observability ? 1 : 0),
  address: (t, i) => at(t, 'nodeExporter', i),
  metricsPath: '/metrics',
  requirements: () => [
    debianProgram('Prometheus node exporter', 'prometheus-node-exporter', 'prometheus-node-exporter'),
  ],
  async up(ctx) {
    await startAll(ctx, this);
  },
  start: (ctx, i) =>
    startSimpleServer(ctx.topology, nodeExporterKind, i, 'prometheus-node-exporter', [
      `--web.listen-address=${hostPort(at(ctx.topology, 'nodeExporter', i))}`,
    ]),
});
