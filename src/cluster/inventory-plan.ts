import { range, refusedCounts, type ServerKind } from './kind.js';
import type { Inventory } from './inventory.js';
import type { MachinePlan, Topology } from './layout.js';

/** The group of the inventory where the load client's workers run (`bazaar load`). */
export const LOAD_GROUP = 'load';

/** The inventory group whose machines run a kind (undefined for a sidecar). */
export function groupOf(kind: ServerKind): string | undefined {
  return kind.sidecarOf ? undefined : (kind.machineGroup ?? kind.name);
}

/** Every group name an inventory may use: the kinds' groups and `load`. */
export function knownGroups(kinds: readonly ServerKind[]): Set<string> {
  return new Set([...kinds.flatMap((k) => groupOf(k) ?? []), LOAD_GROUP]);
}

/**
 * The counts and machines of an inventory cluster. A counted kind runs on every machine of its
 * group, or on the first `n` when its count flag gives `n`; the other kinds (Sentinel, monitoring)
 * run as many instances as the topology asks, over their group's machines in turn; a sidecar on
 * its server's machine. Refused with a message naming the group when a group is missing or short.
 */
export function machinePlanOf(
  inventory: Inventory,
  kinds: readonly ServerKind[],
  given: Readonly<Record<string, number>>,
  base: Omit<Topology, 'counts' | 'placement' | 'machines'>,
  options: { hostKeys: MachinePlan['hostKeys']; source: string },
): { counts: Record<string, number>; machines: MachinePlan } {
  const counts: Record<string, number> = {};
  for (const kind of kinds) {
    const option = kind.countOption;
    if (!option) continue;
    const group = groupOf(kind)!;
    const size = inventory.groups[group]?.length ?? 0;
    const n = given[kind.name] ?? Math.min(size, option.max);
    if (n > size)
      throw new Error(
        `${options.source}: ${option.flag.split(' ')[0]} ${n} asks for more machines than group ${group} has (${size})`,
      );
    if (n < option.min)
      throw new Error(
        `${options.source}: group ${group} needs at least ${option.min} machine(s), it has ${size}`,
      );
    counts[kind.name] = n;
  }
  const refused = refusedCounts(kinds, counts);
  if (refused) throw new Error(`${options.source}: ${refused}`);
  const topology: Topology = { ...base, counts };
  const assigned: Record<string, string[]> = {};
  for (const kind of kinds) {
    const n = kind.count(topology);
    const group = groupOf(kind);
    if (n === 0 || group === undefined) continue;
    const machines = inventory.groups[group] ?? [];
    if (machines.length === 0)
      throw new Error(`${options.source}: ${kind.title} needs a machine: add a group ${group}`);
    assigned[kind.name] = range(n).map((i) => machines[i % machines.length]!);
  }
  for (const kind of kinds) {
    const server = kind.sidecarOf && assigned[kind.sidecarOf];
    if (server && kind.count(topology) > 0) assigned[kind.name] = server.slice(0, kind.count(topology));
  }
  return {
    counts,
    machines: {
      hosts: inventory.hosts,
      assigned,
      load: inventory.groups[LOAD_GROUP] ?? [],
      hostKeys: options.hostKeys,
      inventory: options.source,
    },
  };
}
