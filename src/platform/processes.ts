import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, fchownSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';

// The one way Bazaar starts, watches and stops other processes (the embedded PostgreSQL, the
// cluster's servers, the lab's API and yardstick): always by pid, never by name.

export interface Owner {
  uid: number;
  gid: number;
  /** The user's name: on another machine the same user may have other ids. */
  name?: string;
}

/**
 * Starts a server in the foreground of its own process group, detached from this process, with
 * its output in a log file. The group id is the pid, so a crash (`kill`) can take the whole group.
 */
export function startDaemon(
  command: string,
  args: string[],
  options: { logFile: string; env?: NodeJS.ProcessEnv; owner?: Owner; cwd?: string },
): number {
  const log = openSync(options.logFile, 'a');
  try {
    // The server's own user may append to its log later (pgpool's remote start does, as postgres).
    if (options.owner) fchownSync(log, options.owner.uid, options.owner.gid);
    const child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', log, log],
      env: options.env,
      cwd: options.cwd,
      ...(options.owner ? { uid: options.owner.uid, gid: options.owner.gid } : {}),
    });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

export function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Signals a process group (the server and its children); falls back to the pid alone. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`${what} did not happen within ${Math.round(timeoutMs / 1000)} s`);
}

/**
 * Waits until a server just started answers; one that does not in time is killed (its group, by
 * pid) before the error is thrown, so a failed start leaves nothing running that no one recorded.
 */
export async function waitReady(
  pid: number,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  try {
    await waitUntil(
      async () => {
        if (!isAlive(pid)) throw new Error(`${what}: the process (pid ${pid}) exited`);
        return check();
      },
      timeoutMs,
      what,
    );
  } catch (error) {
    signalGroup(pid, 'SIGKILL');
    throw error;
  }
}

/** Stops a process group by pid: `signal` first, SIGKILL after the grace period. */
export async function stopGroup(
  pid: number | undefined,
  signal: NodeJS.Signals,
  graceMs: number,
): Promise<void> {
  if (!pid || !isAlive(pid)) return;
  signalGroup(pid, signal);
  try {
    await waitUntil(() => !isAlive(pid), graceMs, `pid ${pid} exiting`);
  } catch {
    signalGroup(pid, 'SIGKILL');
    await waitUntil(() => !isAlive(pid), 5_000, `pid ${pid} dying`).catch(() => undefined);
  }
}

export function portAnswers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs a command to completion; rejects with its stderr on a non-zero exit. */
export function run(
  command: string,
  args: string[],
  options: { owner?: Owner; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env,
      cwd: options.cwd,
      // Every step has an end: a command that hangs is killed and reported as failed.
      timeout: options.timeoutMs ?? 600_000,
      killSignal: 'SIGKILL',
      ...(options.owner ? { uid: options.owner.uid, gid: options.owner.gid } : {}),
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(out)
        : reject(new Error(`${command} ${args.join(' ')} failed (${code}): ${err.trim() || out.trim()}`)),
    );
  });
}

/** The uid and gid of an OS user, from /etc/passwd; undefined when there is no such user. */
export async function osUser(name: string): Promise<Owner | undefined> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  const line = passwd.split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid), name };
}

export interface Started {
  url: string;
  pid: number;
  /** SIGTERM by pid; resolves with the exit code once the process is gone. */
  stop(): Promise<number | null>;
}

/**
 * Starts a Node.js process (on this process's runtime) that prints a URL once it listens; stops it
 * by pid with SIGTERM. `env` is all it gets: nothing of the caller's environment leaks in.
 */
export function startListening(
  args: string[],
  env: NodeJS.ProcessEnv,
  pattern: RegExp,
  timeoutMs = 180_000,
): Promise<Started> {
  const child: ChildProcess = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`${args.join(' ')} did not start in time:\n${output}`));
    }, timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({
          url: match[1]!,
          pid: child.pid!,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done(child.exitCode);
              child.once('exit', (code) => done(code));
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
}

/** A loopback port nothing listens on right now (the kernel's choice, taken and given back). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject()));
    });
  });
}
