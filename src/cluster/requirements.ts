import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { childEnv } from '../config/child-env.js';
import { run } from '../platform/processes.js';
import type { Machine } from './machines/machine.js';

/** Something a server kind needs on the machine: a Debian package, or jars fetched once. */
export interface Requirement {
  readonly name: string;
  /**
   * Debian packages that provide it (empty: fetched by `fetch` instead). Some are named after the
   * PostgreSQL major version: given one (a machine's), they use it; else this machine's.
   */
  packages(postgresVersion?: string): string[];
  /** In machine placement, the kind whose machines need it (absent: the kind's own). */
  readonly on?: string;
  /** Where it is, or undefined when missing. Never installs anything. */
  find(): string | undefined;
  /**
   * For software that is not a Debian package (server jars): fetch it into its cache, where the
   * launcher runs; machines of their own get a copy of the cache's folder (ADR 24).
   */
  fetch?(say: (line: string) => void): Promise<void>;
  /** The program it provides: present on a machine, the requirement is met whatever package brought it. */
  readonly program?: string;
  /** Needed only where the launcher runs, whatever the placement (Maven, which fetches the jars). */
  readonly launcherOnly?: boolean;
}

/** Met where the launcher runs: what it fetches, and what fetches it. */
export function onLauncher(r: Requirement): boolean {
  return r.launcherOnly === true || r.fetch !== undefined;
}

function firstExisting(...paths: string[]): string | undefined {
  return paths.find((p) => existsSync(p));
}

/** A program from a Debian package, in /usr/sbin or /usr/bin. */
export function systemBinary(name: string): string | undefined {
  return firstExisting(`/usr/sbin/${name}`, `/usr/bin/${name}`);
}

/** The newest PostgreSQL server major version installed from Debian's packages. */
export function postgresVersion(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  return readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a))[0];
}

export interface PostgresPaths {
  bin: string;
  share: string;
  version: string;
}

export function postgresPaths(): PostgresPaths {
  const version = postgresVersion();
  if (!version) throw new Error('the PostgreSQL server is not installed: `bazaar cluster up` installs it');
  return { bin: `/usr/lib/postgresql/${version}/bin`, share: `/usr/share/postgresql/${version}`, version };
}

/** A program that a kind needs now; a clear error (never an install) when it is missing. */
export function requireBinary(name: string): string {
  const found = systemBinary(name);
  if (!found) throw new Error(`${name} is not installed: \`bazaar cluster up\` installs it`);
  return found;
}

/** A requirement met by one Debian package that installs one program. */
export function debianProgram(name: string, program: string, pkg: string): Requirement {
  return { name, program, packages: () => [pkg], find: () => systemBinary(program) };
}

/** Every requirement once, by name (several kinds may share one). */
export function distinct(requirements: readonly Requirement[]): Requirement[] {
  const byName = new Map(requirements.map((r) => [r.name, r]));
  return [...byName.values()];
}

/**
 * Installs what is missing among `requirements`, saying what: Debian packages (as root), then
 * fetched software. Only the kinds a command uses pass their requirements here.
 */
export async function installMissing(
  requirements: readonly Requirement[],
  say: (line: string) => void,
): Promise<void> {
  const wanted = distinct(requirements);
  const missingPackages = wanted.filter((r) => !r.find() && r.packages().length > 0);
  if (missingPackages.length > 0) {
    const packages = [...new Set(missingPackages.flatMap((r) => r.packages()))];
    if (userInfo().uid !== 0) {
      throw new Error(
        `missing ${missingPackages.map((r) => r.name).join(', ')}: install ${packages.join(' ')} (apt-get, as root)`,
      );
    }
    say(`installing ${packages.join(' ')} (Debian packages, first use)`);
    const env = childEnv({ DEBIAN_FRONTEND: 'noninteractive' });
    try {
      await run('apt-get', ['install', '-y', '-q', ...packages], { env });
    } catch {
      await run('apt-get', ['update', '-q'], { env });
      await run('apt-get', ['install', '-y', '-q', ...packages], { env });
    }
  }
  for (const r of wanted) if (!r.find() && r.fetch) await r.fetch(say);
  const still = wanted.filter((r) => !r.find());
  if (still.length > 0)
    throw new Error(`still missing after install: ${still.map((r) => r.name).join(', ')}`);
}

const found = new Map<string, Promise<string | undefined>>();

/** Asked once per machine and question (a remote answer costs a round trip). */
function askOnce(machine: Machine, question: string, script: string): Promise<string | undefined> {
  const key = `${machine.label}|${question}`;
  let answer = found.get(key);
  if (!answer) {
    answer = machine.run('/bin/sh', ['-c', script]).then(
      (out) => out.trim() || undefined,
      () => undefined,
    );
    found.set(key, answer);
  }
  return answer;
}

/** A Debian package a machine needs, and the program that shows it is there (if it brings one). */
export interface PackageWanted {
  readonly name: string;
  readonly program?: string | undefined;
}

/** A program from a Debian package on the machine that runs it; a clear error when missing. */
export async function programOn(machine: Machine, name: string): Promise<string> {
  if (machine.sharesFiles) return requireBinary(name);
  const path = await askOnce(
    machine,
    `program ${name}`,
    `for d in /usr/sbin /usr/bin; do [ -x "$d/${name}" ] && { echo "$d/${name}"; exit 0; }; done; exit 1`,
  );
  if (!path)
    throw new Error(`${name} is not installed on ${machine.label}: \`bazaar cluster up\` installs it`);
  return path;
}

/** The newest PostgreSQL server installed from Debian's packages on a machine. */
export async function postgresPathsOn(machine: Machine): Promise<PostgresPaths> {
  if (machine.sharesFiles) return postgresPaths();
  const version = await askOnce(
    machine,
    'postgres',
    'for v in $(ls /usr/lib/postgresql 2>/dev/null | sort -rn); do [ -x "/usr/lib/postgresql/$v/bin/postgres" ] && { echo "$v"; exit 0; }; done; exit 1',
  );
  if (!version)
    throw new Error(
      `the PostgreSQL server is not installed on ${machine.label}: \`bazaar cluster up\` installs it`,
    );
  return { bin: `/usr/lib/postgresql/${version}/bin`, share: `/usr/share/postgresql/${version}`, version };
}

/**
 * Installs on a machine of its own the Debian packages of the kinds it runs that it lacks (asked of
 * dpkg there), as root or through sudo; nothing when every one is installed.
 */
export async function installMissingOn(
  machine: Machine,
  packages: readonly PackageWanted[],
  say: (line: string) => void,
): Promise<void> {
  const wanted = [...new Map(packages.map((p) => [p.name, p])).values()];
  if (wanted.length === 0) return;
  // A package counts as there when it is installed, or when the program it brings is (Java from
  // openjdk-17-jre-headless rather than default-jre-headless, say).
  const checks = wanted
    .map((p) => {
      const program = p.program ? `[ -x /usr/bin/${p.program} ] || [ -x /usr/sbin/${p.program} ] || ` : '';
      return `${program}{ s=$(dpkg-query -W -f='\${Status}' ${p.name} 2>/dev/null); case "$s" in *" installed") ;; *) echo ${p.name} ;; esac; }`;
    })
    .join('\n');
  const missing = (await machine.run('/bin/sh', ['-c', checks])).split('\n').filter(Boolean);
  if (missing.length === 0) return;
  say(`installing ${missing.join(' ')} on ${machine.label} (Debian packages, first use)`);
  const install = `apt-get install -y -q ${missing.join(' ')} || { apt-get update -q && apt-get install -y -q ${missing.join(' ')}; }`;
  await machine.run('/bin/sh', ['-c', `DEBIAN_FRONTEND=noninteractive; export DEBIAN_FRONTEND; ${install}`], {
    timeoutMs: 900_000,
  });
  for (const key of [...found.keys()]) if (key.startsWith(`${machine.label}|`)) found.delete(key);
}
