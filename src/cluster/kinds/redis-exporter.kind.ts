import { exporterKind } from '../exporter.js';
import { hostPort, countOf } from '../layout.js';
import { at } from '../addresses.js';

/** Each Redis node's figures: memory, commands, its role and its replicas. */
export const redisExporterKind = exporterKind({
  of: 'redis',
  title: 'Redis exporter',
  service: 'redisExporter',
  port: { offset: 780, standard: 9121 },
  maxInstances: 5,
  pkg: 'prometheus-redis-exporter',
  program: 'prometheus-redis-exporter',
  count: (t) => countOf(t, 'redis'),
  args: (t, i) => [`--redis.addr=redis://${hostPort(at(t, 'redis', i))}`],
});
