/**
 * Where each kind's instances live, as the kinds declare it: the ports they listen on and, in host
 * placement, the block of host numbers, the short code of their kernel names and their share of
 * the machine. Each kind declares its own when its module loads (`defineKind`, kind.ts), so a new
 * kind touches no table here; a declaration that would collide with one made before is refused at
 * once, naming both.
 */

/** One port of a kind: on loopback base port + offset (+ i), on a host the standard port. */
export interface PortPlan {
  readonly offset: number;
  readonly standard: number;
  /** Every instance listens on the same port (on addresses of their own: a Cassandra ring). */
  readonly shared?: boolean;
}

/** A kind's simulated host (ADR 12): instance i is host number block + i on the cluster's /24. */
export interface HostPlan {
  readonly block: number;
  /** Two letters in the kernel's interface names (at most 15 characters in all). */
  readonly code: string;
  /** Cores: 0.25 is a quarter of one core. */
  readonly cpu: number;
  readonly memoryBytes: number;
}

export interface KindPlacement {
  readonly name: string;
  /** How many instances may run at most: the room its ports and host block take. */
  readonly maxInstances: number;
  /** Absent for a kind that runs beside another on its host (`sidecarOf`). */
  readonly host?: HostPlan;
  readonly sidecarOf?: string;
  readonly ports: Readonly<Record<string, PortPlan>>;
  /** On loopback, instance i's own address (a Cassandra node needs one); absent: 127.0.0.1. */
  loopbackHost?(i: number): string;
}

const placements = new Map<string, KindPlacement>();
const services = new Map<string, { placement: KindPlacement; port: PortPlan }>();

function span(start: number, length: number): [number, number] {
  return [start, start + length - 1];
}

function overlaps(a: [number, number], b: [number, number]): boolean {
  return a[0] <= b[1] && b[0] <= a[1];
}

function portSpan(p: KindPlacement, port: PortPlan): [number, number] {
  return span(port.offset, port.shared ? 1 : p.maxInstances);
}

/** Why a new placement cannot be declared beside the ones declared so far (undefined: it can). */
export function collision(p: KindPlacement, declared: Iterable<KindPlacement>): string | undefined {
  for (const other of declared) {
    if (other.name === p.name) return `kind ${p.name} is declared twice`;
    for (const [service, port] of Object.entries(p.ports))
      for (const [otherService, otherPort] of Object.entries(other.ports)) {
        if (service === otherService) return `port ${service} is declared by ${other.name} and ${p.name}`;
        if (overlaps(portSpan(p, port), portSpan(other, otherPort)))
          return `${p.name}'s port ${service} (base+${port.offset}) overlaps ${other.name}'s ${otherService} (base+${otherPort.offset})`;
      }
    if ((p.sidecarOf ?? p.name) === (other.sidecarOf ?? other.name)) {
      const standards = new Set(Object.values(other.ports).map((port) => port.standard));
      const clash = Object.entries(p.ports).find(([, port]) => standards.has(port.standard));
      if (clash) return `${p.name}'s port ${clash[0]} takes ${other.name}'s standard port on their host`;
    }
    if (p.host && other.host) {
      if (p.host.code === other.host.code)
        return `host code ${p.host.code} is ${other.name}'s and ${p.name}'s`;
      if (overlaps(span(p.host.block, p.maxInstances), span(other.host.block, other.maxInstances)))
        return `${p.name}'s host block ${p.host.block} overlaps ${other.name}'s (${other.host.block})`;
    }
  }
  return undefined;
}

export function declarePlacement(p: KindPlacement): void {
  const refused = collision(p, placements.values());
  if (refused) throw new Error(`placement plan: ${refused}`);
  placements.set(p.name, p);
  for (const [service, port] of Object.entries(p.ports)) services.set(service, { placement: p, port });
}

/** The kind a service's port belongs to and how it is placed. */
export function servicePlan(service: string): { placement: KindPlacement; port: PortPlan } {
  const found = services.get(service);
  if (!found)
    throw new Error(
      `no kind declares the port ${service} (kinds declare theirs when src/cluster/registry.ts is loaded)`,
    );
  return found;
}

/** The kind whose host a kind's instances run on (itself, or the server it runs beside). */
export function hostKind(kind: string): string {
  return placements.get(kind)?.sidecarOf ?? kind;
}

export function hostPlan(kind: string): HostPlan | undefined {
  return placements.get(kind)?.host;
}

export function declaredPlacements(): KindPlacement[] {
  return [...placements.values()];
}
