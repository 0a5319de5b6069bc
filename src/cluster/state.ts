import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Topology } from './layout.js';

/** What `up` started, kept in `<dir>/cluster.json` so that later commands can find it by pid. */
export interface ClusterState {
  topology: Topology;
  secret: string;
  /** The admin password every API instance ensures (BAZAAR_ADMIN_PASSWORD, or generated). */
  adminPassword: string;
  pids: Record<string, number>;
  /** Components stopped on purpose (`cluster stop`) and not started since. */
  stopped?: string[];
  startedAt: string;
  /** In host placement: each component's simulated host, address and budget. */
  hosts?: Record<string, HostRecord>;
}

export interface HostRecord {
  namespace: string;
  address: string;
  cpu: number;
  memoryBytes: number;
}

export function stateFile(dir: string): string {
  return join(resolve(dir), 'cluster.json');
}

/** The counts a cluster.json from before counts by kind named one by one, and their kinds. */
const NAMED_COUNTS: Record<string, string> = {
  pg: 'postgres',
  pgpool: 'pgpool',
  api: 'api',
  nginx: 'nginx',
  redis: 'redis',
  cassandra: 'cassandra',
  kafka: 'kafka',
  notifiers: 'notifier',
};

/** A topology as kept, read the way this version keeps it: `status` and `down` still find it. */
export function keptTopology(kept: Topology & Record<string, unknown>): Topology {
  if (kept.counts) return kept;
  const counts: Record<string, number> = {};
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(kept)) {
    const kind = NAMED_COUNTS[key];
    if (kind && typeof value === 'number') counts[kind] = value;
    else rest[key] = value;
  }
  return { ...(rest as Omit<Topology, 'counts'>), counts };
}

export async function loadState(dir: string): Promise<ClusterState | null> {
  try {
    const state = JSON.parse(await readFile(stateFile(dir), 'utf8')) as ClusterState;
    return { ...state, topology: keptTopology(state.topology as Topology & Record<string, unknown>) };
  } catch {
    return null;
  }
}

let saveCount = 0;

/** Writes the state atomically (a whole new file renamed into place): a reader never sees half of it. */
export async function saveState(state: ClusterState): Promise<void> {
  await mkdir(resolve(state.topology.dir), { recursive: true });
  const target = stateFile(state.topology.dir);
  const temporary = `${target}.${process.pid}.${saveCount++}`;
  // It holds the cluster's auth secret and admin password: its owner's eyes only.
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, target);
}
