import { exporterKind } from '../exporter.js';
import { countOf } from '../layout.js';
import { at } from '../addresses.js';
import { DATABASE, PG_USER } from '../postgres-backend.js';

/** Each PostgreSQL backend's own figures (connections, transactions, locks, replication). */
export const postgresExporterKind = exporterKind({
  of: 'postgres',
  title: 'PostgreSQL exporter',
  service: 'postgresExporter',
  port: { offset: 770, standard: 9187 },
  maxInstances: 5,
  pkg: 'prometheus-postgres-exporter',
  program: 'prometheus-postgres-exporter',
  count: (t) => countOf(t, 'postgres'),
  args: () => [],
  env: (t, i) => {
    const { host, port } = at(t, 'postgres', i);
    return { DATA_SOURCE_NAME: `postgresql://${PG_USER}@${host}:${port}/${DATABASE}?sslmode=disable` };
  },
});
