import { cassandraEnv, startCassandraNode, waitRingFormed } from '../cassandra.js';
import {
  CASSANDRA_VERSION,
  cassandraFetched,
  cassandraLib,
  cassandraLibOn,
  fetchCassandra,
} from '../cassandra-software.js';
import { range, startFirstThenRest, defineKind } from '../kind.js';
import { componentDir, countOf } from '../layout.js';
import { at } from '../addresses.js';
import { machineOf } from '../machines/machine-of.js';
import { debianProgram } from '../requirements.js';
import { MAVEN } from '../maven-fetch.js';
import { jmxAgentOption, jmxAgentRequirement } from '../jmx-exporter.js';

/** What the ring's nodes export: how many peers each sees down, and the coordinators' request figures. */
const CASSANDRA_MBEANS = [
  'org.apache.cassandra.net:type=FailureDetector',
  'org.apache.cassandra.metrics:type=ClientRequest,scope=Read,name=Latency',
  'org.apache.cassandra.metrics:type=ClientRequest,scope=Write,name=Latency',
  'org.apache.cassandra.metrics:type=ClientRequest,scope=Read,name=Unavailables',
  'org.apache.cassandra.metrics:type=ClientRequest,scope=Write,name=Unavailables',
];

/** The catalog's ring: replication factor 3 on three nodes, QUORUM reads and writes (ADR 9). */
export const cassandraKind = defineKind({
  name: 'cassandra',
  title: 'Cassandra',
  // Its JVMs take the longest to start: they come up while PostgreSQL and pgpool-II do.
  dependsOn: [],
  countOption: {
    flag: '--cassandra <n>',
    description: 'Cassandra nodes for the catalog (0: catalog in PostgreSQL)',
    min: 0,
    max: 3,
    default: 0,
    refuse: (n) =>
      n === 2 ? '--cassandra must be 1 or 3: QUORUM of 2 replicas cannot lose a node' : undefined,
  },
  ports: {
    cassandra: { offset: 600, standard: 9042, shared: true },
    cassandraStorage: { offset: 601, standard: 7000, shared: true },
    cassandraJmx: { offset: 610, standard: 7199 },
    cassandraMetrics: { offset: 620, standard: 7070 },
  },
  host: { block: 70, code: 'cs', cpu: 0.3, memoryBytes: 1536 * 2 ** 20 },
  // On loopback each node has an address of its own: the ring's ports are the same on every node.
  loopbackHost: (i) => `127.0.0.${2 + i}`,
  panels: [
    {
      title: 'Cassandra coordinator requests per second',
      dashboard: 'databases',
      expr: `sum by (scope) (rate(org_apache_cassandra_metrics_clientrequest_count{name="Latency"}[1m]))`,
      unit: 'ops',
      legend: '{{scope}}',
      when: (t) => countOf(t, 'cassandra') > 0,
    },
    {
      title: 'Cassandra nodes seen down, per node',
      dashboard: 'databases',
      expr: 'max by (component) (org_apache_cassandra_net_failuredetector_downendpointcount)',
      unit: 'short',
      legend: '{{component}}',
      when: (t) => countOf(t, 'cassandra') > 0,
    },
  ],
  alertRules: (t) =>
    countOf(t, 'cassandra') > 1
      ? [
          {
            alert: 'CassandraNodeDown',
            expr: 'max by (component) (org_apache_cassandra_net_failuredetector_downendpointcount) > 0',
            for: '10s',
            severity: 'critical',
            summary: '{{ $labels.component }} sees {{ $value }} node(s) of the ring down',
          },
        ]
      : [],
  count: (t) => countOf(t, 'cassandra'),
  address: (t, i) => at(t, 'cassandra', i),
  requirements: (settings) => [
    debianProgram('Java runtime', 'java', 'default-jre-headless'),
    // Maven fetches the server jars from Maven Central into a cache (cassandra-software.ts).
    MAVEN,
    {
      name: `Apache Cassandra ${CASSANDRA_VERSION} jars`,
      packages: () => [],
      find: () => (cassandraFetched(settings.cacheDir) ? cassandraLib(settings.cacheDir) : undefined),
      fetch: (say) => fetchCassandra(settings.cacheDir, say),
    },
    jmxAgentRequirement(settings),
  ],
  async up(ctx) {
    const t = ctx.topology;
    const nodes = this.count(t);
    ctx.step(`Cassandra x${nodes} (starting in the background)`);
    for (const i of range(nodes)) await machineOf(t, 'cassandra', i).remove(componentDir(t, 'cassandra', i));
    await startFirstThenRest(ctx, this);
    await waitRingFormed(t);
    ctx.step(`Cassandra ring of ${nodes} formed`);
  },
  // A restart keeps the node's data: it rejoins and catches up.
  start: async (ctx, i) =>
    startCassandraNode(
      ctx.topology,
      i,
      await cassandraLibOn(machineOf(ctx.topology, 'cassandra', i), ctx.settings.cacheDir),
      await jmxAgentOption(ctx.topology, ctx.settings, 'cassandra', 'cassandraMetrics', i, CASSANDRA_MBEANS),
    ),
  metricsPath: '/metrics',
  metricsAddress: (t, i) => at(t, 'cassandraMetrics', i),
  // Cassandra drains (flushes memtables) on SIGTERM, which takes longer.
  stopGraceMs: 45_000,
  appEnv: (t) => cassandraEnv(t),
});
