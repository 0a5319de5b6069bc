import { exporterKind } from '../exporter.js';
import { at, hostPort } from '../layout.js';

/** Each nginx's connections and requests, read from its status page (a listener of its own). */
export const nginxExporterKind = exporterKind({
  of: 'nginx',
  title: 'nginx exporter',
  service: 'nginxExporter',
  pkg: 'prometheus-nginx-exporter',
  program: 'prometheus-nginx-exporter',
  count: (t) => t.nginx,
  // Release 0.11 takes Go's single-dash flags.
  listenFlag: '-web.listen-address',
  args: (t, i) => [`-nginx.scrape-uri=http://${hostPort(at(t, 'nginxStatus', i))}/stub_status`],
});
