import { appendFile, chown, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { isAlive, run, signalGroup, startDaemon } from '../../platform/processes.js';
import { BAZAAR_BIN } from '../bazaar-bin.js';
import type { DaemonOptions, FileOptions, Machine, RunOptions } from './machine.js';

/**
 * A command as it runs in this placement: unchanged on loopback; on a simulated host, wrapped so
 * that it runs inside the host's namespace and cgroups (hosts.ts).
 */
export type Wrap = (
  command: string,
  args: readonly string[],
  owner?: RunOptions['owner'],
) => {
  command: string;
  args: string[];
  /** Kept when the wrapper does not switch users itself. */
  owner?: RunOptions['owner'];
};

const unwrapped: Wrap = (command, args, owner) => ({ command, args: [...args], ...(owner ? { owner } : {}) });

/** This machine: its files are the launcher's, its processes the launcher's children. */
export class LocalMachine implements Machine {
  readonly sharesFiles = true;

  constructor(
    readonly label = 'loopback',
    private readonly wrap: Wrap = unwrapped,
  ) {}

  /**
   * A helper command (initdb, pg_basebackup, psql) runs here as it is, even for a simulated host:
   * it shares this machine's files, and its network reaches every host (a host's own namespace
   * may not exist yet when its data folder is made).
   */
  run(command: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
    return run(command, [...args], {
      ...(options.owner ? { owner: options.owner } : {}),
      ...(options.env ? { env: options.env as NodeJS.ProcessEnv } : {}),
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
  }

  startDaemon(command: string, args: readonly string[], options: DaemonOptions): Promise<number> {
    const p = this.wrap(command, args, options.owner);
    return Promise.resolve(
      startDaemon(p.command, p.args, {
        logFile: options.logFile,
        ...(p.owner ? { owner: p.owner } : {}),
        ...(options.cwd ? { cwd: options.cwd } : {}),
        ...(options.env ? { env: options.env as NodeJS.ProcessEnv } : {}),
      }),
    );
  }

  isAlive(pid: number | undefined): Promise<boolean> {
    return Promise.resolve(isAlive(pid));
  }

  signal(pid: number, signal: NodeJS.Signals, alone = false): Promise<void> {
    if (!alone) signalGroup(pid, signal);
    else
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    return Promise.resolve();
  }

  signalAll(pids: readonly number[], signal: NodeJS.Signals): Promise<void> {
    for (const pid of pids) signalGroup(pid, signal);
    return Promise.resolve();
  }

  children(pid: number): Promise<number[]> {
    try {
      const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8');
      return Promise.resolve(text.trim().split(/\s+/).filter(Boolean).map(Number));
    } catch {
      return Promise.resolve([]);
    }
  }

  /** Written whole and renamed into place: a reader (Prometheus's file discovery) never sees half. */
  async writeFile(path: string, content: string | Buffer, options: FileOptions = {}): Promise<void> {
    const temporary = `${path}.new`;
    await writeFile(temporary, content, options.mode === undefined ? {} : { mode: options.mode });
    if (options.owner) await chown(temporary, options.owner.uid, options.owner.gid);
    await rename(temporary, path);
  }

  appendFile(path: string, content: string): Promise<void> {
    return appendFile(path, content);
  }

  readFile(path: string): Promise<string | undefined> {
    return readFile(path, 'utf8').catch(() => undefined);
  }

  exists(path: string): Promise<boolean> {
    return stat(path).then(
      () => true,
      () => false,
    );
  }

  async mkdir(path: string, options: FileOptions = {}): Promise<void> {
    await mkdir(path, { recursive: true, ...(options.mode === undefined ? {} : { mode: options.mode }) });
    if (options.owner) await chown(path, options.owner.uid, options.owner.gid);
  }

  remove(path: string): Promise<void> {
    return rm(path, { recursive: true, force: true });
  }

  async tail(path: string, lines: number): Promise<string> {
    const text = (await this.readFile(path)) ?? '';
    return text
      .split('\n')
      .slice(-lines - 1)
      .join('\n');
  }

  bazaar(): Promise<{ node: string; bin: string }> {
    return Promise.resolve({ node: process.execPath, bin: BAZAAR_BIN });
  }

  software(localDir: string): Promise<string> {
    return Promise.resolve(localDir);
  }
}
