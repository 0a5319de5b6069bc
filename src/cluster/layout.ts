import { join, resolve } from 'node:path';
import type { InventoryHost } from './inventory.js';
import { hostKind } from './placement-plan.js';

/**
 * pgpool-II's clustering mode. Snapshot isolation is not offered: with pgpool-II 4.3 its first
 * sessions could hang and, with two pgpools, the backends diverged (ADR 6).
 */
export type PgMode = 'native' | 'streaming';

/**
 * Where the components run: all on this machine's loopback with ports derived from the base
 * port, each on a simulated host of its own (network namespace, address, CPU quota; ADR 12), or
 * on machines of an inventory, reached over SSH (ADR 24).
 */
export type Placement = 'loopback' | 'hosts' | 'machines';

/** In machine placement: the inventory's machines, and which one runs each instance. */
export interface MachinePlan {
  readonly hosts: Readonly<Record<string, InventoryHost>>;
  /** By running kind (a sidecar's are its server's): the machine of each instance, in order. */
  readonly assigned: Readonly<Record<string, readonly string[]>>;
  /** The inventory's `load` group: where `bazaar load` runs its workers. */
  readonly load: readonly string[];
  /** `check`: only machines already in known_hosts; `accept-new`: first contact records a key. */
  readonly hostKeys: 'check' | 'accept-new';
  /** The inventory it was read from (for messages). */
  readonly inventory: string;
  /** The launcher's address as the machines see it (its clients' address in pg_hba.conf). */
  readonly control?: string;
}

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
  /** In machine placement. */
  machines?: MachinePlan;
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

export function isMachines(t: Topology): t is Topology & { machines: MachinePlan } {
  return t.placement === 'machines' && t.machines !== undefined;
}

/** The inventory machine that runs instance i of a kind (its server's, for a sidecar). */
export function machineHost(t: Topology & { machines: MachinePlan }, kind: string, i: number): InventoryHost {
  const name = (t.machines.assigned[kind] ?? t.machines.assigned[hostKind(kind)])?.[i];
  const host = name === undefined ? undefined : t.machines.hosts[name];
  if (!host) throw new Error(`no machine runs ${kind}:${i}`);
  return host;
}

/** Everything a cluster puts on a machine lives under this folder of its `bazaar_root`. */
export function machineClusterDir(t: Topology, host: InventoryHost): string {
  return `${host.root}/cluster-${t.basePort}`;
}

/** Instance i's folder: its configuration, data and log, on the machine that runs it. */
export function componentDir(t: Topology, kind: string, i: number): string {
  if (isMachines(t)) return `${machineClusterDir(t, machineHost(t, kind, i))}/${kind}-${i}`;
  return join(resolve(t.dir), `${kind}-${i}`);
}

export function componentName(kind: string, i: number): string {
  return `${kind}:${i}`;
}
