import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { componentDir, type Service, type Topology } from './layout.js';
import { at } from './addresses.js';
import { placed } from './hosts.js';
import { startDaemon, waitReady } from '../platform/processes.js';

/** The `bazaar` entry point: API instances and the seeder run it on this process's Node.js. */
export const BAZAAR_BIN = fileURLToPath(new URL('../../bin/bazaar.js', import.meta.url));

/**
 * Starts instance i of a kind that is a `bazaar` command listening on its address (`serve`,
 * `notifier`), with `env` (every kind's settings), and waits until `readyPath` answers 200.
 */
export async function startBazaarProcess(
  t: Topology,
  kind: Service & ('api' | 'notifier'),
  i: number,
  command: string,
  env: NodeJS.ProcessEnv,
  readyPath: string,
): Promise<number> {
  const dir = componentDir(t, kind, i);
  await mkdir(dir, { recursive: true });
  const { host, port } = at(t, kind, i);
  const p = placed(t, kind, i, process.execPath, [
    BAZAAR_BIN,
    command,
    '--host',
    host,
    '--port',
    String(port),
    '--instance-id',
    `${kind}:${i}`,
  ]);
  const pid = startDaemon(p.command, p.args, {
    logFile: join(dir, `${kind}.log`),
    env: { ...env, BAZAAR_STATE_DIR: dir },
  });
  await waitReady(
    pid,
    () =>
      fetch(`http://${host}:${port}${readyPath}`).then(
        (r) => r.ok,
        () => false,
      ),
    90_000,
    `${kind}:${i} ready`,
  );
  return pid;
}

/** Starts API instance i (`bazaar serve`) and waits until it is ready. */
export function startApi(t: Topology, i: number, env: NodeJS.ProcessEnv): Promise<number> {
  return startBazaarProcess(t, 'api', i, 'serve', env, '/ready');
}
