import type { Machine } from './machines/machine.js';
import { fetchServer, serverFetched, serverLib, serverLibOn, type MavenServer } from './maven-fetch.js';

/** The broker release the cluster runs (KRaft only: the 4.x line has no ZooKeeper mode). */
export const KAFKA_VERSION = '4.4.0';

const KAFKA: MavenServer = {
  title: `Apache Kafka ${KAFKA_VERSION}`,
  folder: `kafka-${KAFKA_VERSION}`,
  markerJar: `kafka_2.13-${KAFKA_VERSION}.jar`,
  dependencies: [
    { group: 'org.apache.kafka', artifact: 'kafka_2.13', version: KAFKA_VERSION },
    // The storage tool (formatting a node's log folder) lives in kafka-tools.
    { group: 'org.apache.kafka', artifact: 'kafka-tools', version: KAFKA_VERSION },
    // The broker logs through SLF4J and ships no binding: without one it logs nothing.
    { group: 'org.apache.logging.log4j', artifact: 'log4j-slf4j-impl', version: '2.25.5' },
  ],
};

export function kafkaLib(cacheDir: string): string {
  return serverLib(cacheDir, KAFKA);
}

/** The jars' folder on the machine of a node (sent there first on a machine of its own). */
export function kafkaLibOn(machine: Machine, cacheDir: string): Promise<string> {
  return serverLibOn(machine, cacheDir, KAFKA);
}

export function kafkaFetched(cacheDir: string): boolean {
  return serverFetched(cacheDir, KAFKA);
}

export function fetchKafka(cacheDir: string, say: (line: string) => void): Promise<void> {
  return fetchServer(cacheDir, KAFKA, say);
}
