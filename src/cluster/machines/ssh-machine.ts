import { constants } from 'node:os';
import { dirname } from 'node:path';
import type { Owner } from '../../platform/processes.js';
import { shipBundle } from './bundle.js';
import { shipFolder } from './software.js';
import {
  shellLine,
  shellQuote as q,
  type DaemonOptions,
  type FileOptions,
  type Machine,
  type RunOptions,
} from './machine.js';
import type { SshLink } from './ssh-link.js';
import { addedToOwnEnv } from '../../config/child-env.js';

/** Runs as the server's own user: by name, as that machine knows it (its ids may differ). */
function as(owner: Owner | undefined): string {
  if (!owner?.name) return '';
  return `setpriv --reuid=${q(owner.name)} --regid=$(id -g ${q(owner.name)}) --init-groups `;
}

function chownTo(owner: Owner | undefined, path: string): string {
  return owner?.name ? ` && chown ${q(owner.name)}: ${q(path)}` : '';
}

/**
 * Variables for a command there, as `K='v'` lines. The machine's own PATH and HOME stay (the
 * launcher's mean nothing there); for a helper command (`run`), only what the caller added to its
 * own environment goes.
 */
function envLines(env: Readonly<Record<string, string | undefined>>, addedOnly = false): string {
  return Object.entries(addedOnly ? addedToOwnEnv(env) : env)
    .filter((e): e is [string, string] => e[1] !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(e[0]))
    .filter(([k]) => k !== 'PATH' && k !== 'HOME')
    .map(([k, v]) => `${k}=${q(v)}\n`)
    .join('');
}

/**
 * A machine of its own, reached over SSH alone: every method is one shell script sent over the
 * machine's multiplexed connection (ssh-link.ts), so it costs one round trip.
 */
export class SshMachine implements Machine {
  readonly sharesFiles = false;

  constructor(
    private readonly link: SshLink,
    private readonly root: string,
  ) {}

  get label(): string {
    return `${this.link.host.name} (${this.link.host.address})`;
  }

  run(command: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
    const assignments = options.env ? envLines(options.env, true).split('\n').filter(Boolean) : [];
    const env = assignments.length > 0 ? `env ${assignments.join(' ')} ` : '';
    const cd = options.cwd ? `cd ${q(options.cwd)} && ` : '';
    return this.link.exec(
      `${cd}${env}${as(options.owner)}${shellLine(command, args)}`,
      undefined,
      options.timeoutMs,
    );
  }

  async startDaemon(command: string, args: readonly string[], options: DaemonOptions): Promise<number> {
    // The environment goes in a file only its owner reads: values (secrets) never show in `ps`.
    const envFile = `${options.logFile}.env`;
    // The pid is kept on the machine too, beside the log, for whoever looks there (a name no
    // server uses for its own pid file: pgpool-II refuses to start beside a `pgpool.pid`).
    const pidFile = `${dirname(options.logFile)}/launched.pid`;
    const env = options.env ? `set -a; . ${q(envFile)}; set +a; rm -f ${q(envFile)}; ` : '';
    const script =
      `mkdir -p ${q(dirname(options.logFile))} && touch ${q(options.logFile)}${chownTo(options.owner, options.logFile)} && ` +
      `cd ${q(options.cwd ?? '/')} && ${env}` +
      // setsid: a session (and process group) of its own, so the server outlives the SSH session
      // and a crash takes the whole group; its pid is printed for the launcher to keep.
      `{ setsid ${as(options.owner)}${shellLine(command, args)} >> ${q(options.logFile)} 2>&1 < /dev/null & echo $! | tee ${q(pidFile)}; }`;
    if (options.env) await this.writeFile(envFile, envLines(options.env), { mode: 0o600 });
    const pid = Number((await this.link.exec(script)).trim());
    if (!Number.isInteger(pid) || pid <= 0)
      throw new Error(`${this.label}: ${command} started without a pid`);
    return pid;
  }

  async isAlive(pid: number | undefined): Promise<boolean> {
    if (!pid) return false;
    // A zombie (exited, its parent not yet reaping it) is gone: only its process table entry is left.
    const state = `$(sed 's/^.*) //' /proc/${pid}/stat 2>/dev/null | cut -c1)`;
    return (
      (await this.link.exec(`s=${state}; [ -n "$s" ] && [ "$s" != Z ] && echo yes || echo no`)).trim() ===
      'yes'
    );
  }

  async signal(pid: number, signal: NodeJS.Signals, alone = false): Promise<void> {
    // By number: dash's kill takes neither `-s NAME --` nor `-NAME` before a negative pid (a group).
    const number = constants.signals[signal];
    const group = alone ? '' : `kill -${number} -${pid} 2>/dev/null || `;
    await this.link.exec(`${group}kill -${number} ${pid} 2>/dev/null; true`);
  }

  async signalAll(pids: readonly number[], signal: NodeJS.Signals): Promise<void> {
    const number = constants.signals[signal];
    await this.link.exec(
      `for p in ${pids.join(' ')}; do kill -${number} -$p 2>/dev/null || kill -${number} $p 2>/dev/null; done; true`,
    );
  }

  async children(pid: number): Promise<number[]> {
    const text = await this.link.exec(`cat /proc/${pid}/task/${pid}/children 2>/dev/null; true`);
    return text.trim().split(/\s+/).filter(Boolean).map(Number);
  }

  async writeFile(path: string, content: string | Buffer, options: FileOptions = {}): Promise<void> {
    const temporary = `${path}.new`;
    const mode = options.mode === undefined ? '' : ` && chmod ${options.mode.toString(8)} ${q(temporary)}`;
    await this.link.exec(
      `mkdir -p ${q(dirname(path))} && cat > ${q(temporary)}${mode}${chownTo(options.owner, temporary)} && mv ${q(temporary)} ${q(path)}`,
      content,
    );
  }

  async appendFile(path: string, content: string): Promise<void> {
    await this.link.exec(`cat >> ${q(path)}`, content);
  }

  async readFile(path: string): Promise<string | undefined> {
    const out = await this.link.exec(`if [ -f ${q(path)} ]; then echo y; cat ${q(path)}; else echo n; fi`);
    return out.startsWith('y\n') ? out.slice(2) : undefined;
  }

  async exists(path: string): Promise<boolean> {
    return (await this.link.exec(`[ -e ${q(path)} ] && echo y || echo n`)).trim() === 'y';
  }

  async mkdir(path: string, options: FileOptions = {}): Promise<void> {
    const mode = options.mode === undefined ? '' : ` && chmod ${options.mode.toString(8)} ${q(path)}`;
    await this.link.exec(`mkdir -p ${q(path)}${mode}${chownTo(options.owner, path)}`);
  }

  async remove(path: string): Promise<void> {
    await this.link.exec(`rm -rf ${q(path)}`);
  }

  tail(path: string, lines: number): Promise<string> {
    return this.link.exec(`tail -n ${lines} ${q(path)} 2>/dev/null; true`);
  }

  async bazaar(): Promise<{ node: string; bin: string }> {
    const folder = await shipBundle(this.link, this.root);
    return { node: `${folder}/node_modules/node/bin/node`, bin: `${folder}/bin/bazaar.js` };
  }

  software(localDir: string, name: string): Promise<string> {
    return shipFolder(this.link, this.root, localDir, name);
  }
}
