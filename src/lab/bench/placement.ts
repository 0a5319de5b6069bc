import { hostPlacementChecks } from '../../cluster/host-checks.js';

export interface PlacementChoice {
  placement: 'loopback' | 'hosts';
  /** Why, in the report's words. */
  reason: string;
}

/**
 * The bench measures scaling on simulated hosts wherever the machine allows (root, network
 * namespaces, a cgroup CPU quota): on loopback every process shares the machine's cores, and an
 * extra instance only shows that another process costs CPU.
 */
export async function choosePlacement(wanted: 'auto' | 'hosts' | 'loopback'): Promise<PlacementChoice> {
  if (wanted === 'loopback') return { placement: 'loopback', reason: 'the matrix asks for loopback' };
  const missing = (await hostPlacementChecks())
    .filter((c) => !c.name.includes('qdisc') && c.found === undefined)
    .map((c) => c.name.replace('host placement: ', ''));
  if (missing.length === 0)
    return { placement: 'hosts', reason: 'a simulated host per component (network namespace, CPU quota)' };
  if (wanted === 'hosts')
    throw new Error(`host placement needs what this machine lacks: ${missing.join(', ')}`);
  return { placement: 'loopback', reason: `loopback: host placement needs ${missing.join(', ')}` };
}
