import { rate } from '../monitoring.js';
import { kafkaEnv, newKafkaCluster, prepareOrderEventsTopic, startKafkaNode } from '../kafka.js';
import { KAFKA_VERSION, fetchKafka, kafkaFetched, kafkaLib, kafkaLibOn } from '../kafka-software.js';
import { range, startAll, defineKind } from '../kind.js';
import { componentDir, countOf } from '../layout.js';
import { at } from '../addresses.js';
import { machineOf } from '../machines/machine-of.js';
import { debianProgram } from '../requirements.js';
import { MAVEN } from '../maven-fetch.js';
import { jmxAgentOption, jmxAgentRequirement } from '../jmx-exporter.js';

/** What each broker exports: partitions short of replicas or leaderless, and the traffic in. */
const KAFKA_MBEANS = [
  'kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions',
  'kafka.server:type=ReplicaManager,name=PartitionCount',
  'kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec',
  'kafka.controller:type=KafkaController,name=OfflinePartitionsCount',
  'kafka.controller:type=KafkaController,name=ActiveControllerCount',
];
import { verifyKafka } from '../kafka-verify.js';

/** The brokers order events travel through (KRaft: each node is broker and controller; ADR 16). */
export const kafkaKind = defineKind({
  name: 'kafka',
  title: 'Kafka',
  // JVMs: they start beside PostgreSQL, like Cassandra's.
  dependsOn: [],
  countOption: {
    flag: '--kafka <n>',
    description: 'Kafka brokers for order events (0: events delivered inside each API instance)',
    min: 0,
    max: 3,
    default: 0,
    refuse: (n) =>
      n === 2
        ? '--kafka must be 1 or 3: a KRaft quorum of 2 controllers stops when either is down'
        : undefined,
  },
  ports: {
    kafka: { offset: 700, standard: 9092 },
    kafkaController: { offset: 710, standard: 9093 },
    kafkaMetrics: { offset: 820, standard: 7071 },
  },
  host: { block: 80, code: 'kf', cpu: 0.2, memoryBytes: 1024 * 2 ** 20 },
  panels: [
    {
      title: 'Kafka messages in per second, per broker',
      dashboard: 'events',
      expr: rate('kafka_server_brokertopicmetrics_count', 'component', 'name="MessagesInPerSec"'),
      unit: 'ops',
      legend: '{{component}}',
      when: (t) => countOf(t, 'kafka') > 0,
    },
    {
      title: 'Kafka under-replicated partitions, per broker',
      dashboard: 'events',
      expr: 'max by (component) (kafka_server_replicamanager_value{name="UnderReplicatedPartitions"})',
      unit: 'short',
      legend: '{{component}}',
      when: (t) => countOf(t, 'kafka') > 0,
    },
  ],
  alertRules: (t) =>
    countOf(t, 'kafka') > 0
      ? [
          {
            alert: 'KafkaUnderReplicated',
            expr: 'max by (component) (kafka_server_replicamanager_value{name="UnderReplicatedPartitions"}) > 0',
            for: '30s',
            severity: 'warning',
            summary: '{{ $labels.component }} leads {{ $value }} partition(s) short of replicas',
          },
          {
            alert: 'KafkaOfflinePartitions',
            expr: 'max(kafka_controller_kafkacontroller_value{name="OfflinePartitionsCount"}) > 0',
            for: '10s',
            severity: 'critical',
            summary: '{{ $value }} partition(s) have no leader: order events cannot be published to them',
          },
        ]
      : [],
  count: (t) => countOf(t, 'kafka'),
  address: (t, i) => at(t, 'kafka', i),
  requirements: (settings) => [
    debianProgram('Java runtime', 'java', 'default-jre-headless'),
    MAVEN,
    {
      name: `Apache Kafka ${KAFKA_VERSION} jars`,
      packages: () => [],
      find: () => (kafkaFetched(settings.cacheDir) ? kafkaLib(settings.cacheDir) : undefined),
      fetch: (say) => fetchKafka(settings.cacheDir, say),
    },
    jmxAgentRequirement(settings),
  ],
  async up(ctx) {
    const t = ctx.topology;
    const n = this.count(t);
    ctx.step(`Kafka x${n} (starting in the background)`);
    for (const i of range(n)) await machineOf(t, 'kafka', i).remove(componentDir(t, 'kafka', i));
    await newKafkaCluster(t);
    // The controllers need a quorum before any of them serves: they start together.
    await startAll(ctx, this);
    await prepareOrderEventsTopic(t);
    ctx.step(`Kafka: ${n} brokers, topic order-events ready`);
  },
  start: async (ctx, i) =>
    startKafkaNode(
      ctx.topology,
      i,
      await kafkaLibOn(machineOf(ctx.topology, 'kafka', i), ctx.settings.cacheDir),
      await jmxAgentOption(ctx.topology, ctx.settings, 'kafka', 'kafkaMetrics', i, KAFKA_MBEANS),
    ),
  metricsPath: '/metrics',
  metricsAddress: (t, i) => at(t, 'kafkaMetrics', i),
  // SIGTERM: a controlled shutdown moves its partitions' leadership first.
  stopSignal: 'SIGTERM',
  stopGraceMs: 30_000,
  appEnv: (t) => kafkaEnv(t),
  verify: (ctx) => verifyKafka(ctx.topology),
});
