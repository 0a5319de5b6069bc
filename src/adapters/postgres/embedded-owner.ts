import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { isAlive } from '../../platform/processes.js';

/**
 * Who owns an embedded store: the one process that started its PostgreSQL and will stop it. The
 * record lives beside the data (`postgres/owner.json`); any other command that opens the store
 * while its owner lives works through the running server instead of starting or stopping one.
 */
export interface OwnerRecord {
  pid: number;
  /** The process's start time as the kernel counts it: tells a reused pid from the owner. */
  started: string;
  /** The Bazaar command that owns the store (`serve`, `import`...). */
  command: string;
  /** The embedded PostgreSQL's port, once it is up. */
  port?: number;
  /** Where the owner serves the API, when it does. */
  api?: string;
}

export type Claim = { kind: 'owner'; record: OwnerRecord } | { kind: 'guest'; owner: OwnerRecord };

/** The kernel's start time of a process (field 22 of /proc/<pid>/stat); '' where there is no /proc. */
export async function processStartTime(pid: number): Promise<string> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? '';
  } catch {
    return '';
  }
}

export async function ownerLives(record: OwnerRecord): Promise<boolean> {
  if (!isAlive(record.pid)) return false;
  const started = await processStartTime(record.pid);
  return record.started === '' || started === '' || started === record.started;
}

export async function readOwner(file: string): Promise<OwnerRecord | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as OwnerRecord;
  } catch {
    return undefined;
  }
}

/**
 * Makes this process the owner, or names the live owner. The record is written aside and linked
 * into place, so two commands starting at once never both own the store; a record whose process
 * is gone (killed, crashed) is removed and the claim made again.
 */
export async function claimOwnership(file: string, command: string): Promise<Claim> {
  const record: OwnerRecord = { pid: process.pid, started: await processStartTime(process.pid), command };
  for (let attempt = 0; attempt < 20; attempt++) {
    const aside = `${file}.${process.pid}`;
    await writeFile(aside, JSON.stringify(record), { mode: 0o644 });
    try {
      await link(aside, file);
      return { kind: 'owner', record };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await rm(aside, { force: true });
    }
    const current = await readOwner(file);
    if (current?.pid === process.pid) return { kind: 'owner', record: current };
    if (current && (await ownerLives(current))) return { kind: 'guest', owner: current };
    await removeIfUnchanged(file, current);
  }
  throw new Error(`could not claim the embedded store (${file}): its owner record keeps changing`);
}

/** Removes a stale record unless another process has replaced it meanwhile. */
async function removeIfUnchanged(file: string, stale: OwnerRecord | undefined): Promise<void> {
  const now = await readOwner(file);
  if (JSON.stringify(now) === JSON.stringify(stale)) await rm(file, { force: true });
}

/** The owner adds what it learns (the server's port, the API's address); written aside, then renamed. */
export async function updateOwner(file: string, changes: Partial<OwnerRecord>): Promise<void> {
  const current = await readOwner(file);
  if (current?.pid !== process.pid) return;
  const aside = `${file}.${process.pid}`;
  await writeFile(aside, JSON.stringify({ ...current, ...changes }), { mode: 0o644 });
  await rename(aside, file);
}

/** Gives the store up: the record goes only if it is this process's. */
export async function releaseOwnership(file: string): Promise<void> {
  if ((await readOwner(file))?.pid === process.pid) await rm(file, { force: true });
}

/** Waits until a live owner has its PostgreSQL up; undefined when the owner died first. */
export async function ownersServer(file: string, timeoutMs: number): Promise<OwnerRecord | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await readOwner(file);
    if (!current || !(await ownerLives(current))) return undefined;
    if (current.port) return current;
    if (Date.now() > deadline)
      throw new Error(`the embedded store's owner (pid ${current.pid}) did not start its PostgreSQL in time`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
