import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { placed } from './hosts.js';
import { componentDir, type Topology } from './layout.js';
import type { ServerKind } from './kind.js';
import { portAnswers, startDaemon, waitReady } from '../platform/processes.js';

/**
 * Starts instance i of a kind whose server needs nothing but its command line (an exporter,
 * Prometheus, Alertmanager): in its folder, on its host, with its output in `<kind>.log`;
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
  await mkdir(dir, { recursive: true });
  const p = placed(t, kind.sidecarOf ?? kind.name, i, command, args);
  const pid = startDaemon(p.command, p.args, {
    logFile: join(dir, `${kind.name}.log`),
    cwd: dir,
    ...(env ? { env } : {}),
  });
  const { host, port } = kind.address(t, i);
  await waitReady(pid, () => portAnswers(port, host), 60_000, `${kind.name}:${i} listening`);
  return pid;
}
