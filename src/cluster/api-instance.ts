import { join } from 'node:path';
import { componentDir, type Service, type Topology } from './layout.js';
import { at } from './addresses.js';
import { machineOf } from './machines/machine-of.js';
import { waitReadyOn } from './machines/daemons.js';

export { BAZAAR_BIN } from './bazaar-bin.js';

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
  const machine = machineOf(t, kind, i);
  await machine.mkdir(dir);
  const { host, port } = at(t, kind, i);
  const { node, bin } = await machine.bazaar();
  const pid = await machine.startDaemon(
    node,
    [bin, command, '--host', host, '--port', String(port), '--instance-id', `${kind}:${i}`],
    { logFile: join(dir, `${kind}.log`), env: { ...env, BAZAAR_STATE_DIR: dir }, cwd: dir },
  );
  await waitReadyOn(
    machine,
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
