import { readdir, readFile } from 'node:fs/promises';

/**
 * CPU time of processes read from /proc (user + system, in ms): the cost of an operation on each
 * side of the wire, measured without a profiler's overhead. Linux only; elsewhere every figure is 0.
 */
const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux architecture Node.js runs on.

interface Stat {
  pid: number;
  ppid: number;
  cpuMs: number;
}

async function stat(pid: number): Promise<Stat | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (2nd field) may hold spaces and parentheses: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return { pid, ppid: Number(fields[1]), cpuMs: ((utime + stime) * 1000) / TICKS_PER_SECOND };
  } catch {
    return undefined; // gone, or not Linux
  }
}

async function allProcesses(): Promise<Stat[]> {
  const names = await readdir('/proc').catch(() => [] as string[]);
  const stats = await Promise.all(names.filter((n) => /^\d+$/.test(n)).map((n) => stat(Number(n))));
  return stats.filter((s): s is Stat => s !== undefined);
}

/** CPU ms so far of `pid` and every process whose parent it is (PostgreSQL's backends). */
export async function cpuOfTree(pid: number): Promise<number> {
  const all = await allProcesses();
  return all.filter((s) => s.pid === pid || s.ppid === pid).reduce((sum, s) => sum + s.cpuMs, 0);
}

/** CPU ms so far of one process. */
export async function cpuOf(pid: number): Promise<number> {
  return (await stat(pid))?.cpuMs ?? 0;
}
