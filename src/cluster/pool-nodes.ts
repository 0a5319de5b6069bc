import type { Address } from './layout.js';
import { queryServer } from './server-query.js';

/** One row of pgpool-II's `SHOW POOL_NODES`: its view of a backend. */
export interface PoolNode {
  node_id: string;
  /** up, waiting (attached), down (detached), unused. */
  status: string;
  /** primary/standby in streaming replication, main/replica in native replication. */
  role: string;
}

/** pgpool-II's view of every backend; an error when it does not answer within `timeoutMs`. */
export function poolNodes(address: Address, timeoutMs = 3000): Promise<PoolNode[]> {
  return queryServer<PoolNode>(address, 'SHOW POOL_NODES', timeoutMs);
}

/** Whether pgpool-II sends statements to the backend (`waiting`: attached, no session yet). */
export function isAttached(node: PoolNode): boolean {
  return node.status === 'up' || node.status === 'waiting';
}
