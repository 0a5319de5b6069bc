import { exporterKind } from '../exporter.js';
import { at, hostPort } from '../layout.js';

/** Each Redis node's figures: memory, commands, its role and its replicas. */
export const redisExporterKind = exporterKind({
  of: 'redis',
  title: 'Redis exporter',
  service: 'redisExporter',
  pkg: 'prometheus-redis-exporter',
  program: 'prometheus-redis-exporter',
  count: (t) => t.redis ?? 0,
  args: (t, i) => [`--redis.addr=redis://${hostPort(at(t, 'redis', i))}`],
});
