import { join, resolve } from 'node:path';

/**
 * pgpool-II's clustering mode. Snapshot isolation is not offered: with pgpool-II 4.3 its first
 * sessions could hang and, with two pgpools, the backends diverged (ADR 6).
 */
export type PgMode = 'native' | 'streaming';

/**
 * Where the components run: all on this machine's loopback with ports derived from the base
 * port, or each on a simulated host of its own (network namespace, address, CPU quota; ADR 12).
 */
export type Placement = 'loopback' | 'hosts';

/** How many of each server kind run, and where: kept in cluster.json. */
export interface Topology {
  /**
   * Instances of each kind that has a count of its own, by kind name (`postgres`, `pgpool`,
   * `api`, `nginx`, `redis`, `cassandra`, `kafka`, `notifier`); a kind absent runs none.
   */
  counts: Readonly<Record<string, number>>;
  mode: PgMode;
  basePort: number;
  dir: string;
  seedProducts: number;
  /** Demo customers seeded (absent in state files from before it existed: 1,000). */
  seedUsers?: number;
  /** Prometheus, Alertmanager, its webhook receiver and the exporters (absent: none). */
  observability?: boolean;
  /**
   * The share of requests traced (nginx decides for what it forwards; absent: the API's default),
   * and where the API instances send their spans (OTLP/HTTP; absent: nowhere).
   */
  traceSample?: number;
  otlpEndpoint?: string;
  /** Absent: loopback. */
  placement?: Placement;
  /** In host placement: each kind's CPU quota, in cores (0.25 = a quarter of one core). */
  hostCpu?: Record<string, number>;
  /** In host placement: every host link's rate (tc's units: 100mbit) and one-way delay. */
  linkRate?: string;
  linkDelayMs?: number;
}

/** How many instances of a kind the topology runs (0 when it names none). */
export function countOf(t: Topology, kind: string): number {
  return t.counts[kind] ?? 0;
}

/** A port's name, as its kind declares it (`pgpool`, `pcp`, `postgresExporter`). */
export type Service = string;

export interface Address {
  host: string;
  port: number;
}

/**
 * The simulated network: 198.18.0.0/15 is reserved for benchmarks (RFC 2544) and exists nowhere
 * outside this machine; one /24 per base port, so clusters on different bases never share one.
 */
export function hostNetwork(t: Topology): { prefix: string; gateway: string } {
  const prefix = `198.18.${Math.floor(t.basePort / 100) % 256}`;
  return { prefix, gateway: `${prefix}.1` };
}

export function isHosts(t: Topology): boolean {
  return t.placement === 'hosts';
}

/** `host:port`, as configuration files and connection lists write it. */
export function hostPort(a: Address): string {
  return `${a.host}:${a.port}`;
}

export function componentDir(t: Topology, kind: string, i: number): string {
  return join(resolve(t.dir), `${kind}-${i}`);
}

export function componentName(kind: string, i: number): string {
  return `${kind}:${i}`;
}
