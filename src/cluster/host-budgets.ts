import type { Topology } from './layout.js';

/** A host's share of the machine. */
export interface HostBudget {
  /** Cores: 0.25 is a quarter of one core. */
  cpu: number;
  memoryBytes: number;
}

/**
 * Defaults that fit a 2/2/2/2 topology (1.5 cores) on two cores, with room for the load client,
 * and make the API tier its bottleneck (ADR 12), so that the lab shows what scaling a tier does.
 */
export const DEFAULT_BUDGETS: Record<string, HostBudget> = {
  // Every PostgreSQL session loads the hunspell dictionaries (~35 MB): room for the pgpool children.
  postgres: { cpu: 0.35, memoryBytes: 3 * 2 ** 30 },
  pgpool: { cpu: 0.15, memoryBytes: 256 * 2 ** 20 },
  api: { cpu: 0.2, memoryBytes: 512 * 2 ** 20 },
  nginx: { cpu: 0.05, memoryBytes: 64 * 2 ** 20 },
  redis: { cpu: 0.1, memoryBytes: 256 * 2 ** 20 },
  sentinel: { cpu: 0.02, memoryBytes: 64 * 2 ** 20 },
  cassandra: { cpu: 0.3, memoryBytes: 1536 * 2 ** 20 },
  kafka: { cpu: 0.2, memoryBytes: 1024 * 2 ** 20 },
  notifier: { cpu: 0.1, memoryBytes: 256 * 2 ** 20 },
  prometheus: { cpu: 0.1, memoryBytes: 512 * 2 ** 20 },
  alertmanager: { cpu: 0.05, memoryBytes: 128 * 2 ** 20 },
  // A Node.js process: its start alone needs ~130 MB and most of a core-second.
  receiver: { cpu: 0.1, memoryBytes: 256 * 2 ** 20 },
  'node-exporter': { cpu: 0.02, memoryBytes: 64 * 2 ** 20 },
  // A Node.js process too, asking each pgpool-II at every scrape.
  'pgpool-exporter': { cpu: 0.1, memoryBytes: 256 * 2 ** 20 },
  // A load client worker: what the topology leaves of two cores.
  client: { cpu: 0.5, memoryBytes: 1024 * 2 ** 20 },
};

export function budgetOf(t: Topology, kind: string): HostBudget {
  const base = DEFAULT_BUDGETS[kind] ?? { cpu: 0.25, memoryBytes: 512 * 2 ** 20 };
  const cpu = t.hostCpu?.[kind] ?? t.hostCpu?.['*'] ?? base.cpu;
  return { cpu, memoryBytes: base.memoryBytes };
}
