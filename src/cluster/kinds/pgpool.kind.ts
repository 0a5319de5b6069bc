import { existsSync } from 'node:fs';
import { startAll, defineKind } from '../kind.js';
import { countOf } from '../layout.js';
import { at } from '../addresses.js';
import {
  backendsUrl,
  clusterDatabaseUrl,
  startPgpool,
  waitPgpoolServing,
  writePgpoolConfig,
} from '../pgpool.js';
import { postgresVersion, systemBinary, type Requirement } from '../requirements.js';
import { API_POOL_SIZE } from '../postgres-backend.js';
import { machineOf } from '../machines/machine-of.js';
import { stopGroupOn } from '../machines/daemons.js';
import { removeOrphanedSegments } from '../../platform/shared-memory.js';

/** Debian's package of pgpool's recovery functions is named after the PostgreSQL major version. */
const recoveryPackage = (v = postgresVersion()) => (v ? `postgresql-${v}-pgpool2` : 'postgresql-pgpool2');

const REQUIREMENTS: Requirement[] = [
  { name: 'pgpool-II', packages: () => ['pgpool2'], find: () => systemBinary('pgpool') },
  {
    // The failover scripts ask the backends with psql, on pgpool-II's own machine.
    name: 'PostgreSQL client',
    packages: (v = postgresVersion()) => (v ? [`postgresql-client-${v}`] : []),
    find: () => postgresVersion(),
  },
  {
    name: 'pgpool_recovery extension',
    on: 'postgres',
    packages: (v) => [recoveryPackage(v)],
    find: () => {
      const v = postgresVersion();
      const file = v ? `/usr/share/postgresql/${v}/extension/pgpool_recovery.control` : undefined;
      return file && existsSync(file) ? file : undefined;
    },
  },
];

/** pgpool-II instances, each fronting every backend; a watchdog among them when there are several. */
export const pgpoolKind = defineKind({
  name: 'pgpool',
  title: 'pgpool-II',
  dependsOn: ['postgres'],
  countOption: {
    flag: '--pgpool <n>',
    description: 'pgpool-II instances, 1..4',
    min: 1,
    max: 4,
    default: 2,
  },
  ports: {
    pgpool: { offset: 10, standard: 9999 },
    pcp: { offset: 200, standard: 9898 },
    watchdog: { offset: 300, standard: 9000 },
    heartbeat: { offset: 400, standard: 9694 },
  },
  host: { block: 20, code: 'pp', cpu: 0.15, memoryBytes: 256 * 2 ** 20 },
  panels: [
    {
      title: 'Backends in use, as each pgpool-II sees them',
      dashboard: 'databases',
      expr: 'min by (backend) (bazaar_pgpool_backend_up)',
      unit: 'short',
      legend: '{{backend}}',
    },
  ],
  alertRules: () => [
    {
      alert: 'BackendDetached',
      // Named after the backend (component="postgres:1"), not after the exporter that saw it.
      expr: 'label_replace(bazaar_pgpool_backend_up == 0, "component", "$1", "backend", "(.+)")',
      for: '6s',
      severity: 'critical',
      summary: '{{ $labels.pgpool }} no longer sends statements to {{ $labels.backend }}',
    },
  ],
  count: (t) => countOf(t, 'pgpool'),
  address: (t, i) => at(t, 'pgpool', i),
  requirements: () => REQUIREMENTS,
  async up(ctx) {
    const t = ctx.topology;
    ctx.step(`pgpool-II x${countOf(t, 'pgpool')}`);
    for (let i = 0; i < countOf(t, 'pgpool'); i++) await writePgpoolConfig(t, i);
    await startAll(ctx, this);
    await Promise.all(Array.from({ length: countOf(t, 'pgpool') }, (_, i) => waitPgpoolServing(t, i)));
  },
  async start(ctx, i) {
    // A pgpool-II that crashed left its shared memory behind: freed before this one takes its own.
    await removeOrphanedSegments(machineOf(ctx.topology, 'pgpool', i), ctx.pids[`pgpool:${i}`]);
    return startPgpool(ctx.topology, i);
  },
  async stop(ctx, i) {
    const pid = ctx.pids[`pgpool:${i}`];
    const machine = machineOf(ctx.topology, 'pgpool', i);
    await stopGroupOn(machine, pid, 'SIGINT', 15_000); // SIGINT: pgpool's fast shutdown
    // Stopped, it removed its own; crashed earlier (and never started again), it could not.
    await removeOrphanedSegments(machine, pid);
  },
  // Cut off, a pgpool-II finds every backend silent and quarantines them for itself; back on the
  // network it would take them back one health check at a time, and in between send writes to
  // some backends only. Restarted instead, it discards that state (-D) and takes the backends'
  // state from the other instances' watchdog (ADR 12).
  restartOnHeal: true,
  // The API sends statements differently under each clustering mode (ADR 11).
  appEnv: (t) => ({
    DATABASE_URL: clusterDatabaseUrl(t),
    BAZAAR_CHANGE_FEED_URL: backendsUrl(t),
    BAZAAR_DATABASE_REPLICATION: t.mode === 'native' ? 'statement' : 'streaming',
    // Spread over the pgpool-II instances, whose children are sized for it (pgpoolChildren).
    DATABASE_POOL_SIZE: String(API_POOL_SIZE),
  }),
});
