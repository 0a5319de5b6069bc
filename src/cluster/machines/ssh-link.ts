import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { sleep } from '../../platform/processes.js';
import type { InventoryHost } from '../inventory.js';
import { shellQuote } from './machine.js';

/**
 * One machine's OpenSSH connection: a master per machine for this process's lifetime, every
 * command multiplexed over it (one round trip each, no new handshake), host keys checked.
 */
export class SshLink {
  private master?: ChildProcess;
  private opening?: Promise<void>;
  /** Commands running now, and those waiting for a session (sshd's MaxSessions is 10 by default). */
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly host: InventoryHost,
    private readonly controlDir: string,
    private readonly hostKeys: 'check' | 'accept-new',
  ) {}

  /** `user@address`, as messages name the machine. */
  get target(): string {
    return `${this.host.user}@${this.host.address}`;
  }

  private options(): string[] {
    const common = this.host.commonArgs ? splitWords(this.host.commonArgs) : [];
    return [
      '-o',
      'BatchMode=yes',
      '-o',
      `StrictHostKeyChecking=${this.hostKeys === 'check' ? 'yes' : 'accept-new'}`,
      '-o',
      `ControlPath=${join(this.controlDir, '%C')}`,
      '-o',
      'ConnectTimeout=5',
      // A machine that goes silent is given up in ~10 s rather than hanging a command for TCP's minutes.
      '-o',
      'ServerAliveInterval=5',
      '-o',
      'ServerAliveCountMax=2',
      '-p',
      String(this.host.port),
      ...(this.host.key ? ['-i', this.host.key, '-o', 'IdentitiesOnly=yes'] : []),
      ...common,
    ];
  }

  /** Opens the master connection (once); rejects with ssh's own words when the machine is unreachable. */
  open(): Promise<void> {
    this.opening ??= this.startMaster();
    return this.opening;
  }

  private async startMaster(): Promise<void> {
    mkdirSync(this.controlDir, { recursive: true, mode: 0o700 });
    let stderr = '';
    const master = spawn('ssh', [...this.options(), '-M', '-N', '-o', 'ControlPersist=no', this.target], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    master.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    master.unref();
    (master.stderr as Readable & { unref?: () => void }).unref?.();
    this.master = master;
    const exited = new Promise<number | null>((done) => master.once('exit', done));
    for (let attempt = 0; attempt < 200; attempt++) {
      const code = await Promise.race([exited, sleep(50).then(() => undefined)]);
      if (code !== undefined) {
        this.opening = undefined;
        throw new Error(
          `cannot reach ${this.host.name} (${this.target}, port ${this.host.port}): ${stderr.trim() || `ssh exited with ${code}`}`,
        );
      }
      if (await this.check()) return;
    }
    this.close();
    throw new Error(`cannot reach ${this.host.name} (${this.target}): no SSH connection within 10 s`);
  }

  private check(): Promise<boolean> {
    return new Promise((done) => {
      const probe = spawn('ssh', [...this.options(), '-O', 'check', this.target], { stdio: 'ignore' });
      probe.once('exit', (code) => done(code === 0));
      probe.once('error', () => done(false));
    });
  }

  /**
   * Runs a POSIX shell script on the machine (as root through sudo when the inventory asks for
   * it), `input` on its stdin; resolves with its stdout, rejects with its stderr and exit code.
   */
  async exec(script: string, input?: string | Buffer | Readable, timeoutMs = 600_000): Promise<string> {
    await this.open();
    if (this.running >= MAX_SESSIONS) await new Promise<void>((go) => this.waiting.push(go));
    this.running++;
    try {
      return await this.send(script, input, timeoutMs);
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private send(
    script: string,
    input: string | Buffer | Readable | undefined,
    timeoutMs: number,
  ): Promise<string> {
    return new Promise((done, fail) => {
      const child = spawn(
        'ssh',
        [...this.options(), '-o', 'ControlMaster=no', this.target, this.remoteCommand(script)],
        {
          stdio: ['pipe', 'pipe', 'pipe'],
          timeout: timeoutMs,
          killSignal: 'SIGKILL',
        },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      child.once('error', fail);
      child.once('close', (code) =>
        code === 0
          ? done(out)
          : fail(new SshCommandError(this.host.name, code ?? -1, err.trim() || out.trim())),
      );
      if (typeof input === 'string' || Buffer.isBuffer(input)) child.stdin.end(input);
      else if (input) input.pipe(child.stdin);
      else child.stdin.end();
    });
  }

  /**
   * A long-running command whose stdin and stdout the caller holds (a load worker), over the
   * master connection, which must be open (`open`). Ended by killing the returned ssh process:
   * the remote command then reads the end of its stdin.
   */
  session(script: string): ChildProcess {
    if (!this.master) throw new Error(`no SSH connection to ${this.host.name} open`);
    return spawn(
      'ssh',
      [...this.options(), '-o', 'ControlMaster=no', this.target, this.remoteCommand(script)],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
  }

  private remoteCommand(script: string): string {
    return this.host.become && this.host.user !== 'root'
      ? `sudo -n sh -c ${shellQuote(script)}`
      : `sh -c ${shellQuote(script)}`;
  }

  /** Ends the master connection (and with it every session multiplexed over it). */
  close(): void {
    if (this.master?.pid && this.master.exitCode === null) this.master.kill('SIGTERM');
    this.master = undefined;
    this.opening = undefined;
  }
}

/** Sessions at once over one connection: below sshd's default MaxSessions (10). */
const MAX_SESSIONS = 8;

export class SshCommandError extends Error {
  constructor(
    readonly machine: string,
    readonly code: number,
    readonly stderr: string,
  ) {
    super(`on ${machine}: exit ${code}: ${stderr.split('\n').slice(-5).join(' | ')}`);
  }
}

/** `ansible_ssh_common_args` as words (quotes group, as a shell would). */
export function splitWords(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

const links = new Map<string, SshLink>();

/** The link to a machine, shared by every command of this process; closed as the process ends. */
export function linkTo(host: InventoryHost, clusterDir: string, hostKeys: 'check' | 'accept-new'): SshLink {
  const key = `${resolve(clusterDir)}|${host.name}`;
  let link = links.get(key);
  if (!link) {
    link = new SshLink(host, join(resolve(clusterDir), '.ssh'), hostKeys);
    links.set(key, link);
  }
  return link;
}

export function closeLinks(): void {
  for (const link of links.values()) link.close();
  links.clear();
}

process.once('exit', closeLinks);
