import { join } from 'node:path';
import cassandra from 'cassandra-driver';
import { componentDir, hostPort, type Topology, countOf } from './layout.js';
import { at } from './addresses.js';
import { machineOf } from './machines/machine-of.js';
import { waitReadyOn } from './machines/daemons.js';
import { waitUntil } from '../platform/processes.js';

/**
 * The JVM options of the Cassandra 5.0 distribution for Java 17 (conf/jvm-server.options and
 * conf/jvm17-server.options): G1, and the module exports/opens the server needs on Java 17.
 */
const JVM17_OPTIONS = [
  '-XX:+UseG1GC',
  '-XX:+ParallelRefProcEnabled',
  '-XX:MaxTenuringThreshold=1',
  '-XX:G1HeapRegionSize=16m',
  '-XX:G1RSetUpdatingPauseTimePercent=5',
  '-XX:MaxGCPauseMillis=300',
  '-XX:InitiatingHeapOccupancyPercent=70',
  '-XX:+UseThreadPriorities',
  '-XX:+HeapDumpOnOutOfMemoryError',
  '-Xss256k',
  '-XX:StringTableSize=1000003',
  '-XX:+UseTLAB',
  '-XX:+ResizeTLAB',
  '-XX:+PerfDisableSharedMem',
  '-Djava.net.preferIPv4Stack=true',
  '-Djdk.attach.allowAttachSelf=true',
  ...[
    'java.base/jdk.internal.misc',
    'java.management.rmi/com.sun.jmx.remote.internal.rmi',
    'java.rmi/sun.rmi.registry',
    'java.rmi/sun.rmi.server',
    'java.sql/java.sql',
    'java.base/java.lang.ref',
    'jdk.unsupported/sun.misc',
    'jdk.compiler/com.sun.tools.javac.file',
    'jdk.attach/sun.tools.attach',
  ].flatMap((m) => ['--add-exports', `${m}=ALL-UNNAMED`]),
  ...[
    'java.base/java.lang.module',
    'java.base/jdk.internal.loader',
    'java.base/jdk.internal.ref',
    'java.base/jdk.internal.reflect',
    'java.base/jdk.internal.math',
    'java.base/jdk.internal.module',
    'java.base/jdk.internal.util.jar',
    'jdk.management/com.sun.management.internal',
    'java.base/sun.nio.ch',
    'java.base/java.io',
    'java.base/java.lang.reflect',
    'jdk.compiler/com.sun.tools.javac',
    'java.base/java.lang',
    'java.base/java.util',
    'java.base/java.nio',
  ].flatMap((m) => ['--add-opens', `${m}=ALL-UNNAMED`]),
  '-Dio.netty.tryReflectionSetAccessible=true',
  '-Dio.netty.allocator.useCacheForAllThreads=true',
  '-Dio.netty.allocator.maxOrder=11',
];

/** Small heaps: three nodes share two cores and the rest of the cluster on one machine. */
const HEAP = '384M';

/** Node i owns one token, evenly spaced on Murmur3's ring, so nodes can join in any order. */
function initialToken(i: number, nodes: number): string {
  const span = 2n ** 64n;
  return String(-(2n ** 63n) + (span / BigInt(nodes)) * BigInt(i));
}

function cassandraYaml(t: Topology, i: number): string {
  const dir = componentDir(t, 'cassandra', i);
  const nodes = countOf(t, 'cassandra');
  const lines = [
    'cluster_name: bazaar',
    'num_tokens: 1',
    `initial_token: ${initialToken(i, nodes)}`,
    // A fresh ring: nothing to stream from the others when a node first joins.
    'auto_bootstrap: false',
    'partitioner: org.apache.cassandra.dht.Murmur3Partitioner',
    'endpoint_snitch: SimpleSnitch',
    'seed_provider:',
    '  - class_name: org.apache.cassandra.locator.SimpleSeedProvider',
    '    parameters:',
    `      - seeds: "${hostPort(at(t, 'cassandraStorage', 0))}"`,
    `listen_address: ${at(t, 'cassandra', i).host}`,
    `rpc_address: ${at(t, 'cassandra', i).host}`,
    `storage_port: ${at(t, 'cassandraStorage', i).port}`,
    `native_transport_port: ${at(t, 'cassandra', i).port}`,
    'start_native_transport: true',
    `data_file_directories: [${join(dir, 'data')}]`,
    `commitlog_directory: ${join(dir, 'commitlog')}`,
    `saved_caches_directory: ${join(dir, 'saved_caches')}`,
    `hints_directory: ${join(dir, 'hints')}`,
    `cdc_raw_directory: ${join(dir, 'cdc_raw')}`,
    // The distribution's default: the commit log is fsynced every 10 s; a write acknowledged at
    // QUORUM is in the memory and commit log of two nodes, so one crash loses nothing.
    'commitlog_sync: periodic',
    'commitlog_sync_period: 10000ms',
    'concurrent_reads: 8',
    'concurrent_writes: 8',
    'concurrent_counter_writes: 8',
    'auto_snapshot: false',
    // A node that was down gets the writes it missed from the others' hints when it comes back.
    'hinted_handoff_enabled: true',
    'max_hint_window: 3h',
    'read_request_timeout: 5000ms',
    'write_request_timeout: 2000ms',
    'cas_contention_timeout: 1000ms',
    // Paxos v2: fewer round trips per lightweight transaction (If-Match and sku checks).
    'paxos_variant: v2',
    // A product's rows in every list table go in one logged batch of a few KiB.
    'batch_size_warn_threshold: 64KiB',
    'batch_size_fail_threshold: 256KiB',
    '',
  ];
  return lines.join('\n');
}

const LOGBACK = `<configuration>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="STDOUT" /></root>
  <logger name="org.apache.cassandra" level="INFO" />
  <logger name="com.thinkaurelius.thrift" level="ERROR" />
</configuration>
`;

/** Starts node i with its data folder as it is (a restart keeps its data and catches up). */
export async function startCassandraNode(
  t: Topology,
  i: number,
  lib: string,
  agent: readonly string[] = [],
): Promise<number> {
  const dir = componentDir(t, 'cassandra', i);
  const machine = machineOf(t, 'cassandra', i);
  await machine.mkdir(dir);
  await machine.writeFile(join(dir, 'cassandra.yaml'), cassandraYaml(t, i));
  await machine.writeFile(join(dir, 'logback.xml'), LOGBACK);
  const pid = await machine.startDaemon(
    'java',
    [
      `-Xms${HEAP}`,
      `-Xmx${HEAP}`,
      ...JVM17_OPTIONS,
      ...agent,
      `-Dcassandra.config=file://${join(dir, 'cassandra.yaml')}`,
      `-Dlogback.configurationFile=${join(dir, 'logback.xml')}`,
      `-Dcassandra.logdir=${dir}`,
      `-Dcassandra.storagedir=${dir}`,
      `-Dcassandra.jmx.local.port=${at(t, 'cassandraJmx', i).port}`,
      '-Dcassandra-foreground=yes',
      // Nothing to wait for on a loopback ring; the default would add seconds to every start.
      '-Dcassandra.skip_wait_for_gossip_to_settle=0',
      '-Dcassandra.superuser_setup_delay_ms=0',
      '-cp',
      `${lib}/*`,
      'org.apache.cassandra.service.CassandraDaemon',
    ],
    { logFile: join(dir, 'cassandra.log'), cwd: dir },
  );
  await waitReadyOn(machine, pid, () => nodeAnswers(t, i), 180_000, `cassandra:${i} accepting CQL`);
  return pid;
}

/** A driver session to one node only (for probes and checks of that node's own view). */
async function withNode<T>(t: Topology, i: number, work: (c: cassandra.Client) => Promise<T>): Promise<T> {
  const contactPoint = hostPort(at(t, 'cassandra', i));
  const client = new cassandra.Client({
    contactPoints: [contactPoint],
    localDataCenter: 'datacenter1',
    policies: {
      loadBalancing: new cassandra.policies.loadBalancing.AllowListPolicy(
        new cassandra.policies.loadBalancing.RoundRobinPolicy(),
        [contactPoint],
      ),
      reconnection: new cassandra.policies.reconnection.ConstantReconnectionPolicy(60_000),
    },
    socketOptions: { connectTimeout: 2000, readTimeout: 5000 },
  });
  try {
    await client.connect();
    return await work(client);
  } finally {
    await client.shutdown().catch(() => undefined);
  }
}

async function nodeAnswers(t: Topology, i: number): Promise<boolean> {
  try {
    return await withNode(t, i, async (c) => {
      const local = await c.execute('SELECT bootstrapped FROM system.local');
      return local.rows[0]?.['bootstrapped'] === 'COMPLETED';
    });
  } catch {
    return false;
  }
}

/** What node i's gossip says of the ring: the peers it knows, and which of them it sees up. */
async function peersSeenBy(t: Topology, i: number): Promise<number> {
  return withNode(t, i, async (c) => {
    const peers = await c.execute('SELECT peer FROM system.peers');
    return peers.rowLength;
  });
}

/** Waits until every node knows every other one: the ring is whole, all nodes up and normal. */
export async function waitRingFormed(t: Topology): Promise<void> {
  const nodes = countOf(t, 'cassandra');
  await waitUntil(
    async () => {
      for (let i = 0; i < nodes; i++) {
        if ((await peersSeenBy(t, i).catch(() => -1)) !== nodes - 1) return false;
      }
      return true;
    },
    120_000,
    `all ${nodes} Cassandra nodes in one ring`,
  );
}

/** The contact points the API gets: every node, so that any one being down is no obstacle. */
export function cassandraEnv(t: Topology): Record<string, string> {
  const nodes = countOf(t, 'cassandra');
  if (nodes === 0) return {};
  return {
    CATALOG_STORE: 'cassandra',
    CASSANDRA_CONTACT_POINTS: Array.from({ length: nodes }, (_, i) => hostPort(at(t, 'cassandra', i))).join(
      ',',
    ),
  };
}
