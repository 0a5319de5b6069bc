import { join, resolve } from 'node:path';

/**
 * pgpool-II's clustering mode. Snapshot isolation is not offered: with pgpool-II 4.3 its first
 * sessions could hang and, with two pgpools, the backends diverged (ADR 6).
 */
export type PgMode = 'native' | 'streaming';

/** How many of each server kind run, and where: kept in cluster.json. */
export interface Topology {
  pg: number;
  pgpool: number;
  api: number;
  nginx: number;
  mode: PgMode;
  basePort: number;
  dir: string;
  seedProducts: number;
  /** Demo customers seeded (absent in state files from before it existed: 1,000). */
  seedUsers?: number;
  /** Redis nodes for the carts (0 or absent: carts in PostgreSQL). */
  redis?: number;
  /** Cassandra nodes for the catalog (0 or absent: catalog in PostgreSQL). */
  cassandra?: number;
}

export const LIMITS = { pg: [1, 5], pgpool: [1, 4], api: [1, 8], nginx: [1, 4] } as const;

/**
 * The port plan, in one place so that no two kinds collide: every port derives from the base
 * port, so two clusters with different bases never collide either. pgpool i at base+10+i, API i
 * at base+50+i, nginx i at base+80+i, PostgreSQL i at base+100+i, pgpool's pcp at base+200+i,
 * watchdog at base+300+i, heartbeat at base+400+i, Redis at base+500+i and Sentinel at
 * base+520+i. Cassandra node i listens on its own loopback address (127.0.0.2+i) with the same
 * ports on every node, as a real ring does: CQL at base+600, gossip at base+601; JMX at base+610+i.
 */
export const ports = {
  pgpool: (t: Topology, i: number) => t.basePort + 10 + i,
  api: (t: Topology, i: number) => t.basePort + 50 + i,
  nginx: (t: Topology, i: number) => t.basePort + 80 + i,
  postgres: (t: Topology, i: number) => t.basePort + 100 + i,
  pcp: (t: Topology, i: number) => t.basePort + 200 + i,
  watchdog: (t: Topology, i: number) => t.basePort + 300 + i,
  heartbeat: (t: Topology, i: number) => t.basePort + 400 + i,
  redis: (t: Topology, i: number) => t.basePort + 500 + i,
  sentinel: (t: Topology, i: number) => t.basePort + 520 + i,
  cassandra: (t: Topology, _i: number) => t.basePort + 600,
  cassandraStorage: (t: Topology) => t.basePort + 601,
  cassandraJmx: (t: Topology, i: number) => t.basePort + 610 + i,
};

/** Loopback addresses: one per Cassandra node, so that each node keeps the ring's ports. */
export const hosts = {
  cassandra: (i: number) => `127.0.0.${2 + i}`,
};

export function componentDir(t: Topology, kind: string, i: number): string {
  return join(resolve(t.dir), `${kind}-${i}`);
}

export function componentName(kind: string, i: number): string {
  return `${kind}:${i}`;
}
