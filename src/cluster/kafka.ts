import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  describeOrderEvents,
  ensureOrderEventsTopic,
  servingBrokers,
} from '../adapters/kafka/order-events-topic.js';
import { waitUntil } from '../platform/processes.js';
import { machineOf } from './machines/machine-of.js';
import { waitReadyOn } from './machines/daemons.js';
import { componentDir, hostPort, type Topology, countOf } from './layout.js';
import { at } from './addresses.js';

/** Brokers share two cores with the rest of the cluster: small heaps (each broker ~400 MB RSS). */
const HEAP = ['-Xms256m', '-Xmx512m'];

const JVM_OPTIONS = [
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-Djava.awt.headless=true',
  '-Djava.net.preferIPv4Stack=true',
];

/** The broker logs through log4j 2: one line per event to stdout, which is the node's log file. */
const LOG4J2 = `status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.state.name = state.change.logger
logger.state.level = WARN
logger.apache.name = org.apache.kafka
logger.apache.level = INFO
`;

export function brokerCount(t: Topology): number {
  return countOf(t, 'kafka');
}

/** Every broker's client address, as `KAFKA_BROKERS` lists them. */
export function brokerList(t: Topology): string[] {
  return Array.from({ length: brokerCount(t) }, (_, i) => hostPort(at(t, 'kafka', i)));
}

/**
 * Node i is broker and controller at once (KRaft's combined mode; three controllers tolerate one
 * down). With three brokers every partition has three replicas and a write is acknowledged only
 * once two hold it (`acks=all`, `min.insync.replicas=2`), so one broker's crash loses nothing and
 * stops nothing. Unclean leader election stays off: a replica that missed writes never leads.
 */
function serverProperties(t: Topology, i: number): string {
  const n = brokerCount(t);
  const replicas = Math.min(3, n);
  const insync = Math.min(2, replicas);
  const voters = Array.from({ length: n }, (_, k) => `${k + 1}@${hostPort(at(t, 'kafkaController', k))}`);
  const client = at(t, 'kafka', i);
  const controller = at(t, 'kafkaController', i);
  return [
    'process.roles=broker,controller',
    `node.id=${i + 1}`,
    `controller.quorum.voters=${voters.join(',')}`,
    `listeners=PLAINTEXT://${hostPort(client)},CONTROLLER://${hostPort(controller)}`,
    `advertised.listeners=PLAINTEXT://${hostPort(client)}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${join(componentDir(t, 'kafka', i), 'data')}`,
    `default.replication.factor=${replicas}`,
    `min.insync.replicas=${insync}`,
    `offsets.topic.replication.factor=${replicas}`,
    // Fewer partitions for the group offsets than the default 50: quicker elections after a kill.
    'offsets.topic.num.partitions=6',
    `transaction.state.log.replication.factor=${replicas}`,
    `transaction.state.log.min.isr=${insync}`,
    'transaction.state.log.num.partitions=6',
    `share.coordinator.state.topic.replication.factor=${replicas}`,
    `share.coordinator.state.topic.min.isr=${insync}`,
    'unclean.leader.election.enable=false',
    // Topics are made on purpose (ensureOrderEventsTopic), never by a typo in a client.
    'auto.create.topics.enable=false',
    // A crashed broker is declared dead (and its partitions' leadership moved) within 3 s, not 9.
    'broker.heartbeat.interval.ms=500',
    'broker.session.timeout.ms=3000',
    // A consumer group forms at once instead of waiting 3 s for more members.
    'group.initial.rebalance.delay.ms=0',
    'num.network.threads=2',
    'num.io.threads=4',
    'log.retention.hours=168',
    '',
  ].join('\n');
}

/** A KRaft cluster id: 16 random bytes in URL-safe base64, as `kafka-storage random-uuid` prints. */
function newClusterId(): string {
  return randomBytes(16).toString('base64url');
}

function clusterIdFile(t: Topology): string {
  return join(t.dir, 'kafka-cluster-id');
}

/** A new cluster: one id every node formats with, made before any node starts. */
export async function newKafkaCluster(t: Topology): Promise<void> {
  await writeFile(clusterIdFile(t), `${newClusterId()}\n`);
}

async function clusterId(t: Topology): Promise<string> {
  return (await readFile(clusterIdFile(t), 'utf8')).trim();
}

/**
 * Starts node i. Its log folder is formatted once (a restart keeps its data and catches up from
 * the leaders); java itself is the child, so the recorded pid is the JVM's.
 */
export async function startKafkaNode(
  t: Topology,
  i: number,
  lib: string,
  agent: readonly string[] = [],
): Promise<number> {
  const dir = componentDir(t, 'kafka', i);
  const machine = machineOf(t, 'kafka', i);
  await machine.mkdir(dir);
  const properties = join(dir, 'server.properties');
  await machine.writeFile(properties, serverProperties(t, i));
  await machine.writeFile(join(dir, 'log4j2.properties'), LOG4J2);
  const jvm = [...HEAP, ...JVM_OPTIONS, `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`];
  if (!(await machine.exists(join(dir, 'data', 'meta.properties')))) {
    await machine.run('java', [
      ...jvm,
      '-cp',
      `${lib}/*`,
      'kafka.tools.StorageTool',
      'format',
      '--ignore-formatted',
      '-t',
      await clusterId(t),
      '-c',
      properties,
    ]);
  }
  const pid = await machine.startDaemon(
    'java',
    [...jvm, ...agent, '-cp', `${lib}/*`, 'kafka.Kafka', properties],
    {
      logFile: join(dir, 'kafka.log'),
      cwd: dir,
    },
  );
  await waitReadyOn(
    machine,
    pid,
    () => brokerRegistered(t, i),
    120_000,
    `kafka:${i} serving as broker ${i + 1}`,
  );
  return pid;
}

/** Broker i answers metadata requests and the cluster lists it. */
async function brokerRegistered(t: Topology, i: number): Promise<boolean> {
  try {
    return (await servingBrokers([hostPort(at(t, 'kafka', i))])).includes(i + 1);
  } catch {
    return false;
  }
}

/** Once every broker is up: the order events topic exists and each of its partitions has a leader. */
export async function prepareOrderEventsTopic(t: Topology): Promise<void> {
  const brokers = brokerList(t);
  await waitUntil(
    async () => {
      try {
        await ensureOrderEventsTopic(brokers, 'bazaar-launcher');
        const view = await describeOrderEvents(brokers);
        return view.partitions.length > 0 && view.partitions.every((p) => p.leader > 0);
      } catch {
        return false;
      }
    },
    60_000,
    'the order-events topic with a leader for every partition',
  );
}

/** What the API instances and notifiers are given: every broker, so any one down is no obstacle. */
export function kafkaEnv(t: Topology): Record<string, string> {
  return brokerCount(t) > 0 ? { KAFKA_BROKERS: brokerList(t).join(',') } : {};
}
