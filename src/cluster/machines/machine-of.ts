import { hostNames, onHost } from '../hosts.js';
import { isHosts, isMachines, machineHost, type Topology } from '../layout.js';
import { hostKind } from '../placement-plan.js';
import { LocalMachine } from './local-machine.js';
import type { Machine } from './machine.js';
import { SshMachine } from './ssh-machine.js';
import { linkTo } from './ssh-link.js';

export type { Machine } from './machine.js';

const loopback = new LocalMachine();

/**
 * The machine that runs instance i of a kind (its server's, for a sidecar): this one on loopback,
 * its simulated host in host placement, its inventory machine over SSH in machine placement.
 */
export function machineOf(t: Topology, kind: string, i: number): Machine {
  if (isMachines(t)) {
    const host = machineHost(t, kind, i);
    return new SshMachine(linkTo(host, t.dir, t.machines.hostKeys), host.root);
  }
  if (isHosts(t)) {
    const on = hostKind(kind);
    return new LocalMachine(hostNames(t, on, i).namespace, (command, args, owner) =>
      onHost(t, on, i, command, args, owner),
    );
  }
  return loopback;
}

/** This machine, where the launcher runs (the seeder, the checks that need no server's host). */
export function controlMachine(): Machine {
  return loopback;
}
