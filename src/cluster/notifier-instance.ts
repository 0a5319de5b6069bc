import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BAZAAR_BIN } from './api-instance.js';
import { placed } from './hosts.js';
import { at, componentDir, type Topology } from './layout.js';
import { startDaemon, waitReady } from '../platform/processes.js';

/** Starts notifier i (`bazaar notifier`) with every kind's settings and waits until it consumes. */
export async function startNotifier(t: Topology, i: number, env: NodeJS.ProcessEnv): Promise<number> {
  const dir = componentDir(t, 'notifier', i);
  await mkdir(dir, { recursive: true });
  const { host, port } = at(t, 'notifier', i);
  const p = placed(t, 'notifier', i, process.execPath, [
    BAZAAR_BIN,
    'notifier',
    '--host',
    host,
    '--port',
    String(port),
    '--instance-id',
    `notifier:${i}`,
  ]);
  const pid = startDaemon(p.command, p.args, {
    logFile: join(dir, 'notifier.log'),
    env: { ...env, BAZAAR_STATE_DIR: dir },
  });
  await waitReady(
    pid,
    () =>
      fetch(`http://${host}:${port}/health`).then(
        (r) => r.ok,
        () => false,
      ),
    90_000,
    `notifier:${i} consuming`,
  );
  return pid;
}
