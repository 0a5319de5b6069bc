import { serverEnv } from '../../config/child-env.js';
import { startBazaarServer } from '../simple-server.js';
import { startAll, defineKind } from '../kind.js';
import { componentName, hostPort, countOf } from '../layout.js';
import { at } from '../addresses.js';
import { DATABASE, PG_USER } from '../postgres-backend.js';

/**
 * Each pgpool-II's backends as it sees them, and the backends' row counts compared (replicas
 * differing): `bazaar pgpool-exporter`, one for the cluster, on a host of its own.
 */
export const pgpoolExporterKind = defineKind({
  name: 'pgpool-exporter',
  title: 'pgpool-II exporter',
  dependsOn: ['pgpool'],
  ports: { pgpoolExporter: { offset: 810, standard: 9719 } },
  // A Node.js process too, asking each pgpool-II at every scrape.
  host: { block: 220, code: 'px', cpu: 0.1, memoryBytes: 256 * 2 ** 20 },
  machineGroup: 'monitoring',
  count: (t) => (t.observability ? 1 : 0),
  address: (t, i) => at(t, 'pgpoolExporter', i),
  metricsPath: '/metrics',
  // Runs on the Node.js this command runs on: nothing to install.
  requirements: () => [],
  async up(ctx) {
    await startAll(ctx, this);
  },
  start: (ctx, i) => {
    const t = ctx.topology;
    const { host, port } = at(t, 'pgpoolExporter', i);
    const backends = Array.from(
      { length: countOf(t, 'postgres') },
      (_, b) => `${componentName('postgres', b)}=${hostPort(at(t, 'postgres', b))}`,
    );
    return startBazaarServer(
      t,
      pgpoolExporterKind,
      i,
      [
        'pgpool-exporter',
        '--host',
        host,
        '--port',
        String(port),
        '--pgpools',
        Array.from(
          { length: countOf(t, 'pgpool') },
          (_, p) => `${componentName('pgpool', p)}=${hostPort(at(t, 'pgpool', p))}`,
        ).join(','),
        '--database',
        DATABASE,
        '--user',
        PG_USER,
        '--backends',
        backends.join(','),
        ...(countOf(t, 'postgres') > 1 ? ['--compare'] : []),
      ],
      serverEnv(),
    );
  },
});
