import { startSimpleServer } from '../simple-server.js';
import { startAll, type ServerKind } from '../kind.js';
import { at, hostPort } from '../layout.js';
import { debianProgram, requireBinary } from '../requirements.js';

/** The machine's CPU, memory, disk and network, for Prometheus (Debian's node exporter). */
export const nodeExporterKind: ServerKind = {
  name: 'node-exporter',
  title: 'node exporter',
  dependsOn: [],
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
    startSimpleServer(ctx.topology, nodeExporterKind, i, requireBinary('prometheus-node-exporter'), [
      `--web.listen-address=${hostPort(at(ctx.topology, 'nodeExporter', i))}`,
    ]),
};
