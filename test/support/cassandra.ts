import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCassandraNode, waitRingFormed } from '../../src/cluster/cassandra.js';
import { cassandraLib, fetchCassandra } from '../../src/cluster/cassandra-software.js';
import { loadClusterSettings } from '../../src/config/cluster-settings.js';
import { hostPort, type Topology } from '../../src/cluster/layout.js';
import { at } from '../../src/cluster/addresses.js';
// The kinds declare their ports as their modules load.
import '../../src/cluster/registry.js';
import { stopGroup } from '../../src/platform/processes.js';

export interface TestRing {
  /** host:port of every node, for CASSANDRA_CONTACT_POINTS. */
  contactPoints: string;
  stop(): Promise<void>;
}

let keyspaces = 0;

/** A keyspace of its own for each app a suite starts, so runs never see each other's products. */
export function freshKeyspace(): string {
  return `bazaar_t${process.pid}_${keyspaces++}`;
}

/** A real Cassandra ring (the launcher's own node start) of `nodes` nodes on loopback addresses. */
export async function startTestRing(nodes: number, basePort: number): Promise<TestRing> {
  const dir = await mkdtemp(join(tmpdir(), 'bazaar-cassandra-'));
  const topology: Topology = {
    counts: { postgres: 1, pgpool: 1, api: 1, nginx: 1, cassandra: nodes },
    mode: 'native',
    basePort,
    dir,
    seedProducts: 0,
  };
  // The jars are cached where `bazaar cluster up` keeps them (XDG_CACHE_HOME or ~/.cache).
  const { cacheDir } = loadClusterSettings();
  await fetchCassandra(cacheDir, () => undefined);
  const lib = cassandraLib(cacheDir);
  const pids: number[] = [];
  const stop = async () => {
    await Promise.all(pids.map((pid) => stopGroup(pid, 'SIGKILL', 5_000)));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    pids.push(await startCassandraNode(topology, 0, lib));
    pids.push(
      ...(await Promise.all(
        Array.from({ length: nodes - 1 }, (_, i) => startCassandraNode(topology, i + 1, lib)),
      )),
    );
    await waitRingFormed(topology);
  } catch (error) {
    await stop();
    throw error;
  }
  const contactPoints = Array.from({ length: nodes }, (_, i) => hostPort(at(topology, 'cassandra', i))).join(
    ',',
  );
  return { contactPoints, stop };
}
