import type { Machine } from './machines/machine.js';
import { fetchServer, serverFetched, serverLib, serverLibOn, type MavenServer } from './maven-fetch.js';

/** The server release the cluster runs: Cassandra 5.0 is the first line that supports Java 17. */
export const CASSANDRA_VERSION = '5.0.4';

const CASSANDRA: MavenServer = {
  title: `Apache Cassandra ${CASSANDRA_VERSION}`,
  folder: `cassandra-${CASSANDRA_VERSION}`,
  markerJar: `cassandra-all-${CASSANDRA_VERSION}.jar`,
  dependencies: [{ group: 'org.apache.cassandra', artifact: 'cassandra-all', version: CASSANDRA_VERSION }],
};

export function cassandraLib(cacheDir: string): string {
  return serverLib(cacheDir, CASSANDRA);
}

/** The jars' folder on the machine of a node (sent there first on a machine of its own). */
export function cassandraLibOn(machine: Machine, cacheDir: string): Promise<string> {
  return serverLibOn(machine, cacheDir, CASSANDRA);
}

export function cassandraFetched(cacheDir: string): boolean {
  return serverFetched(cacheDir, CASSANDRA);
}

export function fetchCassandra(cacheDir: string, say: (line: string) => void): Promise<void> {
  return fetchServer(cacheDir, CASSANDRA, say);
}
