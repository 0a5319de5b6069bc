import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { FromWorker, ToWorker } from './worker-protocol.js';

/** How the coordinator talks to one worker, wherever it runs. */
export interface WorkerChannel {
  send(message: ToWorker): void;
  onMessage(handle: (message: FromWorker) => void): void;
  onExit(handle: (code: number | null) => void): void;
  onError(handle: (error: Error) => void): void;
  /** Whether messages can still be sent. */
  readonly open: boolean;
  /** Whether the process still runs. */
  readonly running: boolean;
  kill(): void;
}

/** A worker forked beside the coordinator (or on a simulated host): Node's IPC channel. */
export function forkedWorker(
  module: string,
  launch?: { execPath: string; execArgv: string[] },
): WorkerChannel {
  const child = fork(module, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], ...(launch ?? {}) });
  return {
    send: (message) => child.send(message),
    onMessage: (handle) => child.on('message', handle),
    onExit: (handle) => child.once('exit', handle),
    onError: (handle) => child.once('error', handle),
    get open() {
      return child.connected;
    },
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
    kill: () => child.kill('SIGTERM'),
  };
}

/**
 * A worker started as a command whose stdin and stdout carry JSON lines (over SSH, on a machine
 * of the inventory's `load` group); its stderr is passed on.
 */
export function stdioWorker(child: ChildProcess): WorkerChannel {
  child.stderr?.pipe(process.stderr);
  const lines = createInterface({ input: child.stdout! });
  let open = true;
  child.once('exit', () => (open = false));
  return {
    send: (message) => {
      if (open) child.stdin!.write(`${JSON.stringify(message)}\n`);
    },
    onMessage: (handle) =>
      lines.on('line', (line) => {
        if (line.startsWith('{')) handle(JSON.parse(line) as FromWorker);
      }),
    onExit: (handle) => child.once('exit', handle),
    onError: (handle) => child.once('error', handle),
    get open() {
      return open;
    },
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
    kill: () => child.kill('SIGTERM'),
  };
}
