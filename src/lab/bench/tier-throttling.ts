import { isHosts, type Topology } from '../../cluster/layout.js';
import { throttling } from '../../cluster/hosts.js';
import { KINDS } from '../../cluster/registry.js';

/** Each host's CFS throttling counters at one moment, by kind (instances in order). */
export interface ThrottlingSnapshot {
  at: number;
  byKind: Record<string, number[]>;
}

/**
 * The store's tiers that have hosts of their own in this topology: not the monitoring kinds
 * (their small quotas are reached at every scrape, which says nothing of the store's capacity).
 */
function hostedKinds(t: Topology): Array<{ name: string; count: number }> {
  return KINDS.filter((k) => !k.sidecarOf && k.machineGroup !== 'monitoring' && k.count(t) > 0).map((k) => ({
    name: k.name,
    count: k.count(t),
  }));
}

/** Every server host's throttled periods now; undefined outside host placement (no quotas). */
export async function snapshotThrottling(t: Topology): Promise<ThrottlingSnapshot | undefined> {
  if (!isHosts(t)) return undefined;
  const byKind: Record<string, number[]> = {};
  for (const { name, count } of hostedKinds(t))
    byKind[name] = await Promise.all(
      Array.from({ length: count }, async (_, i) => (await throttling(t, name, i)).throttled),
    );
  return { at: Date.now(), byKind };
}

/**
 * How much of the time between two snapshots each tier was held at its CPU quota: throttled
 * periods over the periods of that time (100 ms each), averaged over the tier's hosts, in
 * percent. The tier held back most at saturation is the bottleneck.
 */
export function throttledShare(
  before: ThrottlingSnapshot,
  after: ThrottlingSnapshot,
): Record<string, number> {
  const periods = (after.at - before.at) / 100;
  const out: Record<string, number> = {};
  for (const [kind, counts] of Object.entries(after.byKind)) {
    const was = before.byKind[kind] ?? [];
    const shares = counts.map((n, i) => Math.min(1, Math.max(0, (n - (was[i] ?? 0)) / periods)));
    out[kind] = Math.round((shares.reduce((a, b) => a + b, 0) / Math.max(1, shares.length)) * 1000) / 10;
  }
  return out;
}
