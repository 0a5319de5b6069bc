import { machineOf } from './machines/machine-of.js';
import { range, type KindContext } from './kind.js';
import { componentName, countOf } from './layout.js';
import { at } from './addresses.js';
import { isAttached, poolNodes, type PoolNode } from './pool-nodes.js';
import { queryServer } from './server-query.js';

/** A backend's role as pgpool-II sees it, and whether pgpool-II sends it statements. */
export interface BackendRole {
  role: string;
  attached: boolean;
}

/** What the first live pgpool-II that answers says of each backend (undefined: none answers). */
async function pgpoolView(ctx: KindContext): Promise<{ pgpool: string; nodes: PoolNode[] } | undefined> {
  for (const i of range(countOf(ctx.topology, 'pgpool'))) {
    const pgpool = componentName('pgpool', i);
    if (!(await machineOf(ctx.topology, 'pgpool', i).isAlive(ctx.pids[pgpool]))) continue;
    const nodes = await poolNodes(at(ctx.topology, 'pgpool', i)).catch(() => undefined);
    if (nodes) return { pgpool, nodes };
  }
  return undefined;
}

/** Each backend's role for `cluster status`, in backend order. */
export async function backendRoles(ctx: KindContext): Promise<Array<BackendRole | undefined>> {
  const view = await pgpoolView(ctx);
  return range(countOf(ctx.topology, 'postgres')).map((i) => {
    const node = view?.nodes.find((n) => n.node_id === String(i));
    return node && { role: node.role, attached: isAttached(node) };
  });
}

/** Whether backend i takes writes itself: not a standby, and not fenced read-only. */
async function acceptsWrites(ctx: KindContext, i: number): Promise<boolean | undefined> {
  const rows = await queryServer<{ writable: boolean }>(
    at(ctx.topology, 'postgres', i),
    "SELECT NOT pg_is_in_recovery() AND current_setting('default_transaction_read_only') = 'off' AS writable",
  ).catch(() => undefined);
  return rows?.[0]?.writable;
}

/**
 * Who takes writes. Streaming replication: exactly one backend, the one every live pgpool-II sends
 * writes to (none: the store cannot write; two: a split brain). Native replication: every backend.
 */
export async function verifyWriters(ctx: KindContext): Promise<string[]> {
  const t = ctx.topology;
  const writable = await Promise.all(range(countOf(t, 'postgres')).map((i) => acceptsWrites(ctx, i)));
  const writers = range(countOf(t, 'postgres')).filter((i) => writable[i] === true);
  const names = writers.map((i) => componentName('postgres', i));
  if (writers.length === 0) return ['no PostgreSQL backend accepts writes'];
  if (t.mode === 'native') {
    const standbys = range(countOf(t, 'postgres')).filter((i) => writable[i] === false);
    return standbys.map(
      (i) => `postgres:${i} does not accept writes (native replication writes to every backend)`,
    );
  }
  if (writers.length > 1) return [`${names.join(' and ')} accept writes (only the primary may)`];
  const differences: string[] = [];
  for (const i of range(countOf(t, 'pgpool'))) {
    if (!(await machineOf(t, 'pgpool', i).isAlive(ctx.pids[componentName('pgpool', i)]))) continue;
    const nodes = await poolNodes(at(t, 'pgpool', i)).catch(() => undefined);
    const primary = nodes?.find((n) => n.role === 'primary' && isAttached(n));
    if (nodes && primary?.node_id !== String(writers[0]))
      differences.push(
        `pgpool:${i} sends writes to ${primary ? `postgres:${primary.node_id}` : 'no backend'}, but ${names[0]} is the primary`,
      );
  }
  return differences;
}
