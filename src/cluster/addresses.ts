import { isIP } from 'node:net';
import {
  hostNetwork,
  isHosts,
  isMachines,
  machineHost,
  type Address,
  type MachinePlan,
  type Service,
  type Topology,
} from './layout.js';
import { declaredPlacements, hostKind, hostPlan, servicePlan } from './placement-plan.js';

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
 * collide; on simulated hosts every server has an address of its own and its standard port; on
 * inventory machines, the machine's address and the standard port, unless another instance on the
 * same machine has that port too: then both take the port plan's (base port + offset + i).
 */
export function at(t: Topology, service: Service, i: number): Address {
  const { placement, port } = servicePlan(service);
  if (isHosts(t)) return { host: hostAddress(t, placement.name, i), port: port.standard };
  if (isMachines(t)) {
    const host = machineHost(t, placement.name, i).address;
    const shared = standardPortTakers(t.machines, host, port.standard) > 1;
    return { host, port: shared ? t.basePort + port.offset + (port.shared ? 0 : i) : port.standard };
  }
  const host = placement.loopbackHost?.(i) ?? '127.0.0.1';
  return { host, port: t.basePort + port.offset + (port.shared ? 0 : i) };
}

/** How many instances on a machine (by address) have a port whose standard number is `standard`. */
function standardPortTakers(plan: MachinePlan, address: string, standard: number): number {
  let takers = 0;
  for (const placement of declaredPlacements()) {
    const machines = plan.assigned[placement.name] ?? [];
    const onIt = machines.filter((name) => plan.hosts[name]?.address === address).length;
    const ports = Object.values(placement.ports).filter((p) => p.standard === standard).length;
    takers += onIt * ports;
  }
  return takers;
}

/**
 * The networks the cluster's own clients connect from (pg_hba.conf, pool_hba.conf): on simulated
 * hosts their /24; on machines each machine's address and the launcher's, as the machines see it.
 * None on loopback (127.0.0.1 is always allowed).
 */
export function clientNetworks(t: Topology): string[] {
  if (isHosts(t)) return [`${hostNetwork(t).prefix}.0/24`];
  if (!isMachines(t)) return [];
  const addresses = new Set(
    Object.values(t.machines.assigned)
      .flat()
      .map((m) => t.machines.hosts[m]!.address),
  );
  for (const m of t.machines.load) addresses.add(t.machines.hosts[m]!.address);
  if (t.machines.control) addresses.add(t.machines.control);
  // A host name (ansible_host may be one) is written as it is: pg_hba.conf resolves it.
  return [...addresses].map((a) => (isIP(a) === 6 ? `${a}/128` : isIP(a) === 4 ? `${a}/32` : a));
}

/** Whether each server has an address of its own that the others reach it at (not loopback). */
export function hasOwnAddresses(t: Topology): boolean {
  return isHosts(t) || isMachines(t);
}
