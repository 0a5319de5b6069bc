import type { Owner } from '../../platform/processes.js';

/**
 * Where one instance of a kind runs, as the kinds see it: this machine's loopback, a simulated
 * host (a network namespace with a CPU quota) or a machine of its own reached over SSH. Kinds
 * render their configuration, write it, start their servers and watch them through this interface
 * alone, so the three placements share every stage, kind and renderer (ADR 24).
 */
export interface Machine {
  /** How messages name it: `loopback`, `bz20000-pg-0`, `db1 (10.0.0.5)`. */
  readonly label: string;
  /** Its files are this machine's (loopback, simulated hosts): installed software is looked up here. */
  readonly sharesFiles: boolean;
  /** Runs a command to completion and returns its output; rejects with its stderr. */
  run(command: string, args: readonly string[], options?: RunOptions): Promise<string>;
  /**
   * Starts a server detached (a process group of its own, its output appended to `logFile`) and
   * returns its pid on that machine. The server outlives the command that started it.
   */
  startDaemon(command: string, args: readonly string[], options: DaemonOptions): Promise<number>;
  isAlive(pid: number | undefined): Promise<boolean>;
  /** Signals the process group `pid` leads (else, or when `alone`, the pid alone); nothing when it is gone. */
  signal(pid: number, signal: NodeJS.Signals, alone?: boolean): Promise<void>;
  /**
   * Signals several process groups at one instant (a postmaster and its backends: a backend
   * left alive a moment after its postmaster ends its sessions itself, which pgpool-II takes
   * for an administrative shutdown rather than a crash).
   */
  signalAll(pids: readonly number[], signal: NodeJS.Signals): Promise<void>;
  /** The pids of a process's children (a postmaster's backends), empty when it is gone. */
  children(pid: number): Promise<number[]>;
  writeFile(path: string, content: string | Buffer, options?: FileOptions): Promise<void>;
  appendFile(path: string, content: string): Promise<void>;
  /** A file's text, or undefined when there is none. */
  readFile(path: string): Promise<string | undefined>;
  exists(path: string): Promise<boolean>;
  mkdir(path: string, options?: FileOptions): Promise<void>;
  /** Removes a file or a folder with everything in it; nothing when it is absent. */
  remove(path: string): Promise<void>;
  /** The last lines of a file (`cluster logs`). */
  tail(path: string, lines: number): Promise<string>;
  /** Node.js and the `bazaar` entry point there (API instances, notifiers, load workers). */
  bazaar(): Promise<{ node: string; bin: string }>;
  /**
   * A folder of fetched software (server jars) as this machine sees it: the folder itself where
   * files are shared, else a copy named `name` (its version) sent there once.
   */
  software(localDir: string, name: string): Promise<string>;
}

export interface RunOptions {
  owner?: Owner;
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  timeoutMs?: number;
}

export interface DaemonOptions {
  logFile: string;
  cwd?: string;
  /** All it gets, on a machine of its own; beside this process, the caller's environment too. */
  env?: Readonly<Record<string, string | undefined>>;
  owner?: Owner;
}

export interface FileOptions {
  mode?: number;
  owner?: Owner;
}

/** A string as one word of a POSIX shell command line. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shellLine(command: string, args: readonly string[]): string {
  return [command, ...args].map(shellQuote).join(' ');
}
