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
  /** Kafka brokers for the order events (0 or absent: events delivered inside the API). */
  kafka?: number;
  /** `bazaar notifier` processes in the consumer group (0 or absent without Kafka). */
  notifiers?: number;
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

export const LIMITS = { pg: [1, 5], pgpool: [1, 4], api: [1, 8], nginx: [1, 4] } as const;

export interface Address {
  host: string;
  port: number;
}

/**
 * The port plan, in one place so that no two kinds collide. On loopback every port derives from
 * the base port (two clusters with different bases never collide): pgpool i at base+10+i, API i at
 * base+50+i, nginx at base+80+i, PostgreSQL at base+100+i, pcp at base+200+i, watchdog at
 * base+300+i, heartbeat at base+400+i, Redis at base+500+i, Sentinel at base+520+i; Cassandra node
 * i listens on 127.0.0.2+i with the ring's shared ports (CQL base+600, gossip base+601) and JMX at
 * base+610+i and its metrics (the JMX exporter agent) at base+620+i; Kafka broker i at base+700+i (its controller at base+710+i), notifier i's metrics at
 * base+720+i; Prometheus at base+730, Alertmanager at base+740, the alert receiver at base+750, the
 * node exporter at base+760, exporters beside PostgreSQL i, Redis i and nginx i at base+770+i,
 * base+780+i and base+800+i (nginx's status page at base+790+i), the pgpool-II exporter at base+810, Kafka broker i's metrics at base+820+i. On simulated hosts every server has an address of its own and its standard port.
 */
const SERVICES = {
  pgpool: { kind: 'pgpool', offset: 10, standard: 9999 },
  api: { kind: 'api', offset: 50, standard: 8080 },
  nginx: { kind: 'nginx', offset: 80, standard: 80 },
  postgres: { kind: 'postgres', offset: 100, standard: 5432 },
  pcp: { kind: 'pgpool', offset: 200, standard: 9898 },
  watchdog: { kind: 'pgpool', offset: 300, standard: 9000 },
  heartbeat: { kind: 'pgpool', offset: 400, standard: 9694 },
  redis: { kind: 'redis', offset: 500, standard: 6379 },
  sentinel: { kind: 'sentinel', offset: 520, standard: 26379 },
  cassandra: { kind: 'cassandra', offset: 600, standard: 9042, shared: true },
  cassandraStorage: { kind: 'cassandra', offset: 601, standard: 7000, shared: true },
  cassandraJmx: { kind: 'cassandra', offset: 610, standard: 7199 },
  cassandraMetrics: { kind: 'cassandra', offset: 620, standard: 7070 },
  kafka: { kind: 'kafka', offset: 700, standard: 9092 },
  kafkaController: { kind: 'kafka', offset: 710, standard: 9093 },
  notifier: { kind: 'notifier', offset: 720, standard: 9100 },
  prometheus: { kind: 'prometheus', offset: 730, standard: 9090 },
  alertmanager: { kind: 'alertmanager', offset: 740, standard: 9093 },
  receiver: { kind: 'receiver', offset: 750, standard: 9095 },
  nodeExporter: { kind: 'node-exporter', offset: 760, standard: 9100 },
  // Exporters run beside their servers, on their hosts.
  postgresExporter: { kind: 'postgres', offset: 770, standard: 9187 },
  redisExporter: { kind: 'redis', offset: 780, standard: 9121 },
  nginxStatus: { kind: 'nginx', offset: 790, standard: 8081 },
  nginxExporter: { kind: 'nginx', offset: 800, standard: 9113 },
  pgpoolExporter: { kind: 'pgpool-exporter', offset: 810, standard: 9719 },
  kafkaMetrics: { kind: 'kafka', offset: 820, standard: 7071 },
} as const;

export type Service = keyof typeof SERVICES;

/** Each kind's block of host numbers on the simulated network (instance i is block + i). */
const HOST_BLOCKS: Record<string, number> = {
  postgres: 10,
  pgpool: 20,
  api: 30,
  nginx: 40,
  redis: 50,
  sentinel: 60,
  cassandra: 70,
  kafka: 80,
  notifier: 90,
  prometheus: 200,
  alertmanager: 205,
  receiver: 210,
  'node-exporter': 215,
  'pgpool-exporter': 220,
  client: 100,
};

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

/** The simulated host of instance i of a kind (its address on the cluster's network). */
export function hostAddress(t: Topology, kind: string, i: number): string {
  const block = HOST_BLOCKS[kind];
  if (block === undefined) throw new Error(`no host block for ${kind}`);
  return `${hostNetwork(t).prefix}.${block + i}`;
}

/** Where instance i of a service listens. */
export function at(t: Topology, service: Service, i: number): Address {
  const s = SERVICES[service];
  if (isHosts(t)) return { host: hostAddress(t, s.kind, i), port: s.standard };
  const host = s.kind === 'cassandra' ? `127.0.0.${2 + i}` : '127.0.0.1';
  return { host, port: t.basePort + s.offset + ('shared' in s ? 0 : i) };
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
