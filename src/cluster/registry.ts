import type { ServerKind, Stage } from './kind.js';
import { isServerKind } from './kind.js';
import { dashboardsOf } from './dashboards.js';
import { apiKind } from './kinds/api.kind.js';
import { cassandraKind } from './kinds/cassandra.kind.js';
import { kafkaKind } from './kinds/kafka.kind.js';
import { notifierKind } from './kinds/notifier.kind.js';
import { nodeExporterKind } from './kinds/node-exporter.kind.js';
import { receiverKind } from './kinds/receiver.kind.js';
import { alertmanagerKind } from './kinds/alertmanager.kind.js';
import { prometheusKind } from './kinds/prometheus.kind.js';
import { postgresExporterKind } from './kinds/postgres-exporter.kind.js';
import { redisExporterKind } from './kinds/redis-exporter.kind.js';
import { nginxExporterKind } from './kinds/nginx-exporter.kind.js';
import { pgpoolExporterKind } from './kinds/pgpool-exporter.kind.js';
import { nginxKind } from './kinds/nginx.kind.js';
import { pgpoolKind } from './kinds/pgpool.kind.js';
import { postgresKind } from './kinds/postgres.kind.js';
import { redisKind } from './kinds/redis.kind.js';
import { seedStage } from './kinds/seed.stage.js';
import { sentinelKind } from './kinds/sentinel.kind.js';

/**
 * Every stage of the topology, in dependency order: `up` runs each as soon as what it depends on is
 * up (so Cassandra's JVMs start beside PostgreSQL), `down` stops the kinds in reverse. A new server
 * kind is one module and one line here.
 */
export const STAGES: readonly Stage[] = [
  postgresKind,
  pgpoolKind,
  redisKind,
  sentinelKind,
  cassandraKind,
  kafkaKind,
  seedStage,
  apiKind,
  notifierKind,
  nginxKind,
  nodeExporterKind,
  postgresExporterKind,
  redisExporterKind,
  nginxExporterKind,
  pgpoolExporterKind,
  receiverKind,
  alertmanagerKind,
  prometheusKind,
];

export const KINDS: readonly ServerKind[] = STAGES.filter(isServerKind);

/** The dashboards, of every kind's panels. */
export const DASHBOARDS = dashboardsOf(KINDS);

export function kindNamed(name: string): ServerKind | undefined {
  return KINDS.find((k) => k.name === name);
}
