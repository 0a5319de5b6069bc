import { join } from 'node:path';
import { componentDir, type Topology } from './layout.js';
import type { ServerKind } from './kind.js';
import { portAnswers } from '../platform/processes.js';
import { machineOf } from './machines/machine-of.js';
import { waitReadyOn } from './machines/daemons.js';
import { programOn } from './requirements.js';

/**
 * Starts instance i of a kind whose server needs nothing but its command line (an exporter,
 * Prometheus, Alertmanager; `command` a Debian package's program, or a path): in its folder, on its machine, with its output in `<kind>.log`;
 * resolves once its port answers.
 */
export async function startSimpleServer(
  t: Topology,
  kind: ServerKind,
  i: number,
  command: string,
  args: string[],
  env?: NodeJS.ProcessEnv,
): Promise<number> {
  const dir = componentDir(t, kind.name, i);
  const machine = machineOf(t, kind.name, i);
  await machine.mkdir(dir);
  // A program's name is looked up on the machine that runs it (a path is taken as it is).
  const program = command.startsWith('/') ? command : await programOn(machine, command);
  const pid = await machine.startDaemon(program, args, {
    logFile: join(dir, `${kind.name}.log`),
    cwd: dir,
    ...(env ? { env } : {}),
  });
  const { host, port } = kind.address(t, i);
  await waitReadyOn(machine, pid, () => portAnswers(port, host), 60_000, `${kind.name}:${i} listening`);
  return pid;
}

/** Starts instance i of a kind that is a `bazaar` command (an exporter, the alert receiver). */
export async function startBazaarServer(
  t: Topology,
  kind: ServerKind,
  i: number,
  args: string[],
  env?: NodeJS.ProcessEnv,
): Promise<number> {
  const { node, bin } = await machineOf(t, kind.name, i).bazaar();
  return startSimpleServer(t, kind, i, node, [bin, ...args], env);
}
