import { hostNetwork, isHosts, type Address, type Service, type Topology } from './layout.js';
import { hostKind, hostPlan, servicePlan } from './placement-plan.js';

// Addresses from the placements the kinds declare (placement-plan.ts): a lookup by name finds a
// kind once its module has loaded, so code outside the launcher that looks one up loads the
// registry first (a unit test holds every such module to it).

/** The simulated host of instance i of a kind (its address on the cluster's network). */
export function hostAddress(t: Topology, kind: string, i: number): string {
  const block = hostPlan(hostKind(kind))?.block;
  if (block === undefined) throw new Error(`no host block for ${kind}`);
  return `${hostNetwork(t).prefix}.${block + i}`;
}

/**
 * Where instance i of a service listens: each kind declares its ports (placement-plan.ts). On
 * loopback every port derives from the base port, so two clusters with different bases never
 * collide; on simulated hosts every server has an address of its own and its standard port.
 */
export function at(t: Topology, service: Service, i: number): Address {
  const { placement, port } = servicePlan(service);
  if (isHosts(t)) return { host: hostAddress(t, placement.name, i), port: port.standard };
  const host = placement.loopbackHost?.(i) ?? '127.0.0.1';
  return { host, port: t.basePort + port.offset + (port.shared ? 0 : i) };
}
