import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { at, componentDir, type Topology } from './layout.js';
import { placed } from './hosts.js';
import { startDaemon, waitReady } from '../platform/processes.js';

/** The `bazaar` entry point: API instances and the seeder run it on this process's Node.js. */
export const BAZAAR_BIN = fileURLToPath(new URL('../../bin/bazaar.js', import.meta.url));

/** Starts API instance i with `env` (every kind's settings) and waits until it is ready. */
export async function startApi(t: Topology, i: number, env: NodeJS.ProcessEnv): Promise<number> {
  const dir = componentDir(t, 'api', i);
  await mkdir(dir, { recursive: true });
  const { host, port } = at(t, 'api', i);
  const p = placed(t, 'api', i, process.execPath, [
    BAZAAR_BIN,
    'serve',
    '--host',
    host,
    '--port',
    String(port),
    '--instance-id',
    `api:${i}`,
  ]);
  const pid = startDaemon(p.command, p.args, {
    logFile: join(dir, 'api.log'),
    env: { ...env, BAZAAR_STATE_DIR: dir },
  });
  await waitReady(
    pid,
    () =>
      fetch(`http://${host}:${port}/ready`).then(
        (r) => r.ok,
        () => false,
      ),
    90_000,
    `api:${i} ready`,
  );
  return pid;
}
