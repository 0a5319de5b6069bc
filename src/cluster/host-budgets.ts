import type { Topology } from './layout.js';
import { hostPlan } from './placement-plan.js';

/** A host's share of the machine. */
export interface HostBudget {
  /** Cores: 0.25 is a quarter of one core. */
  cpu: number;
  memoryBytes: number;
}

/**
 * The budget of a kind's hosts: what the kind declares (defaults that fit a 2/2/2/2 topology, 1.5 cores,
 * on two cores with room for the load client, and make the API tier its bottleneck: ADR 12), its
 * CPU quota replaced by `--host-cpu` when given for the kind or for all.
 */
export function budgetOf(t: Topology, kind: string): HostBudget {
  const base = hostPlan(kind) ?? { cpu: 0.25, memoryBytes: 512 * 2 ** 20 };
  const cpu = t.hostCpu?.[kind] ?? t.hostCpu?.['*'] ?? base.cpu;
  return { cpu, memoryBytes: base.memoryBytes };
}
