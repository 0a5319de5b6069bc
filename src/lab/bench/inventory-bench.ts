import { readFile } from 'node:fs/promises';
import { parseInventory, type Inventory } from '../../cluster/inventory.js';
import { knownGroups, LOAD_GROUP } from '../../cluster/inventory-plan.js';
import type { MachinePlan } from '../../cluster/layout.js';
import { KINDS } from '../../cluster/registry.js';

/** `bazaar bench --inventory`: the machines every configuration's cluster is placed on. */
export interface BenchMachines {
  readonly inventory: Inventory;
  readonly source: string;
  readonly hostKeys: MachinePlan['hostKeys'];
}

export async function readBenchInventory(source: string, acceptNewHostKeys: boolean): Promise<BenchMachines> {
  const text = await readFile(source, 'utf8').catch((error: Error) => {
    throw new Error(`cannot read the inventory ${source}: ${error.message}`);
  });
  const inventory = parseInventory(text, knownGroups(KINDS), source);
  if ((inventory.groups[LOAD_GROUP]?.length ?? 0) === 0)
    throw new Error(
      `${source}: the bench runs its load client on the machines of a group ${LOAD_GROUP}: add one`,
    );
  return { inventory, source, hostKeys: acceptNewHostKeys ? 'accept-new' : 'check' };
}

/** The report's words for where the clusters ran: each group and its machines. */
export function machinesReason(m: BenchMachines): string {
  const groups = Object.entries(m.inventory.groups)
    .map(
      ([group, hosts]) =>
        `${group} ${hosts.map((h) => `${h} (${m.inventory.hosts[h]!.address})`).join(', ')}`,
    )
    .join('; ');
  return `the machines of ${m.source}, reached over SSH (a configuration takes the first machines of each group): ${groups}`;
}
