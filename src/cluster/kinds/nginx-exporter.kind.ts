import { exporterKind } from '../exporter.js';
import { hostPort, countOf } from '../layout.js';
import { at } from '../addresses.js';

/** Each nginx's connections and requests, read from its status page (a listener of its own). */
export const nginxExporterKind = exporterKind({
  of: 'nginx',
  title: 'nginx exporter',
  service: 'nginxExporter',
  port: { offset: 800, standard: 9113 },
  maxInstances: 4,
  pkg: 'prometheus-nginx-exporter',
  program: 'prometheus-nginx-exporter',
  count: (t) => countOf(t, 'nginx'),
  // Release 0.11 takes Go's single-dash flags.
  listenFlag: '-web.listen-address',
  args: (t, i) => [`-nginx.scrape-uri=http://${hostPort(at(t, 'nginxStatus', i))}/stub_status`],
});
