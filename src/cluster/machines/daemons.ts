import { waitUntil } from '../../platform/processes.js';
import type { Machine } from './machine.js';

/**
 * Waits until a server just started answers over the network; one whose process exits or that
 * does not answer in time is killed (its group, by pid, on its machine) before the error is thrown,
 * so a failed start leaves nothing running that no one recorded.
 */
export async function waitReadyOn(
  machine: Machine,
  pid: number,
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  let checks = 0;
  try {
    await waitUntil(
      async () => {
        // Asking a remote machine costs a round trip: its process is looked at every 5th check.
        if (checks++ % 5 === 0 && !(await machine.isAlive(pid)))
          throw new Error(`${what}: the process (pid ${pid} on ${machine.label}) exited`);
        return check();
      },
      timeoutMs,
      what,
    );
  } catch (error) {
    await machine.signal(pid, 'SIGKILL');
    throw error;
  }
}

/** Stops a process group by pid on its machine: `signal` first, SIGKILL after the grace period. */
export async function stopGroupOn(
  machine: Machine,
  pid: number | undefined,
  signal: NodeJS.Signals,
  graceMs: number,
): Promise<void> {
  if (!pid || !(await machine.isAlive(pid))) return;
  await machine.signal(pid, signal);
  try {
    await waitUntil(async () => !(await machine.isAlive(pid)), graceMs, `pid ${pid} exiting`);
  } catch {
    await machine.signal(pid, 'SIGKILL');
    await waitUntil(async () => !(await machine.isAlive(pid)), 5_000, `pid ${pid} dying`).catch(
      () => undefined,
    );
  }
}
