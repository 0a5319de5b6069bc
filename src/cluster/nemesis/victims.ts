import { run } from '../../platform/processes.js';
import { KINDS } from '../registry.js';
import { hostPort, type Topology } from '../layout.js';
import { at } from '../addresses.js';
import { currentPrimary } from '../redis.js';
import { kafkaLib } from '../kafka-software.js';
import { queryServer } from '../server-query.js';
import type { ClusterStatus, ComponentStatus } from '../results.js';
import type { Slot } from './schedule.js';

/**
 * The kinds a nemesis takes down: every server on the path of a request or an order event. The
 * monitoring kinds (Prometheus, exporters) are left alone: they watch the faults.
 */
export const VICTIM_KINDS = [
  'postgres',
  'pgpool',
  'api',
  'nginx',
  'redis',
  'sentinel',
  'cassandra',
  'kafka',
  'notifier',
];

const count = (t: Topology, kind: string) => KINDS.find((k) => k.name === kind)?.count(t) ?? 0;

/**
 * The slots of a topology, in a fixed order (the schedule's seed picks among them): each kind's
 * `any`, and the roles that matter most where there are several to choose from: the primary
 * (or native replication's main node) and a standby, the Redis primary and a replica, the API
 * instance holding the order-event relay's lease, the Kafka controllers' leader.
 */
export function slotsOf(t: Topology): Slot[] {
  const slots: Slot[] = [];
  for (const kind of VICTIM_KINDS) {
    const n = count(t, kind);
    if (n === 0) continue;
    if (kind === 'postgres' && n > 1)
      slots.push(
        ...(t.mode === 'streaming'
          ? ['postgres:primary', 'postgres:standby']
          : ['postgres:main', 'postgres:replica']),
      );
    else if (kind === 'redis' && n > 1) slots.push('redis:primary', 'redis:replica');
    else slots.push(`${kind}:any`);
    if (kind === 'api') slots.push('api:lease-holder');
    if (kind === 'kafka' && n > 1) slots.push('kafka:controller');
  }
  return slots;
}

export interface VictimContext {
  topology: Topology;
  status: ClusterStatus;
  /** Where the Kafka jars are (for its quorum tool). */
  cacheDir: string;
}

/** The components a slot names now (several when any of them will do), among those up. */
export async function candidatesOf(slot: Slot, ctx: VictimContext): Promise<ComponentStatus[]> {
  const [kind, role] = slot.split(':') as [string, string];
  const up = ctx.status.components.filter((c) => c.kind === kind && c.state === 'up');
  const named = (names: Array<string | undefined>) => up.filter((c) => names.includes(c.name));
  switch (role) {
    case 'any':
      return up;
    case 'primary':
    case 'main':
      if (kind === 'redis') return named([await redisPrimary(ctx)]);
      return up.filter((c) => c.role === role && c.attached);
    case 'standby':
    case 'replica':
      if (kind === 'redis') {
        const primary = await redisPrimary(ctx);
        return up.filter((c) => c.name !== primary);
      }
      return up.filter((c) => c.role === role && c.attached);
    case 'lease-holder':
      return named([await leaseHolder(ctx)]);
    case 'controller':
      return named([await kafkaLeader(ctx)]);
    default:
      throw new Error(`no slot ${slot}`);
  }
}

async function redisPrimary(ctx: VictimContext): Promise<string | undefined> {
  const primary = hostPort(await currentPrimary(ctx.topology));
  return ctx.status.components.find((c) => c.kind === 'redis' && c.address === primary)?.name;
}

/** The API instance named in the relay's lease (read on the backend that takes writes). */
async function leaseHolder(ctx: VictimContext): Promise<string | undefined> {
  const writer = ctx.status.components.find(
    (c) => c.kind === 'postgres' && c.attached && c.role !== 'standby',
  );
  if (!writer) return undefined;
  const [host, port] = writer.address.split(':');
  const rows = await queryServer<{ holder: string }>(
    { host: host!, port: Number(port) },
    "SELECT holder FROM relay_leases WHERE name = 'order-events'",
  ).catch(() => []);
  return rows[0]?.holder;
}

/** The broker whose controller leads the KRaft quorum, asked of Kafka's own quorum tool. */
async function kafkaLeader(ctx: VictimContext): Promise<string | undefined> {
  const controllers = Array.from({ length: count(ctx.topology, 'kafka') }, (_, i) =>
    hostPort(at(ctx.topology, 'kafkaController', i)),
  );
  const out = await run('java', [
    '-cp',
    `${kafkaLib(ctx.cacheDir)}/*`,
    'org.apache.kafka.tools.MetadataQuorumCommand',
    '--bootstrap-controller',
    controllers.join(','),
    'describe',
    '--status',
  ]).catch(() => '');
  const leader = /LeaderId:\s*(\d+)/.exec(out)?.[1];
  // Broker ids are the instance index plus one.
  return leader === undefined ? undefined : `kafka:${Number(leader) - 1}`;
}
