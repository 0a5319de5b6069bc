import type { Address } from './layout.js';
import { queryServer } from './server-query.js';

/** One row of pgpool-II's `SHOW POOL_NODES`: its view of a backend. */
export interface PoolNode {
  node_id: string;
  /** up, waiting (attached), down (detached), unused. */
  status: string;
  /** primary/standby in streaming replication, main/replica in native replication. */
  role: string;
  /** When pgpool-II last changed its view of the backend, in its local time to the second. */
  last_status_change?: string;
}

/** pgpool-II's view of every backend; an error when it does not answer within `timeoutMs`. */
export function poolNodes(address: Address, timeoutMs = 3000): Promise<PoolNode[]> {
  return queryServer<PoolNode>(address, 'SHOW POOL_NODES', timeoutMs);
}

/** Whether pgpool-II sends statements to the backend (`waiting`: attached, no session yet). */
export function isAttached(node: PoolNode): boolean {
  return node.status === 'up' || node.status === 'waiting';
}

/** Seconds since pgpool-II last changed its view of the backend (undefined: it does not say). */
export function statusAge(node: PoolNode, now = Date.now()): number | undefined {
  const changed = node.last_status_change ? Date.parse(node.last_status_change.replace(' ', 'T')) : NaN;
  return Number.isNaN(changed) ? undefined : (now - changed) / 1000;
}
