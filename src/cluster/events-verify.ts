import type pg from 'pg';
import { type Topology } from './layout.js';
import { at } from './addresses.js';
import { queryServer } from './server-query.js';

/** What the outbox and the notifications say about delivery, read on one backend. */
export interface EventDelivery {
  events: number;
  unpublished: number;
  notifications: number;
  /** Events without their notification, and notifications of no event. */
  undelivered: number;
  orphans: number;
  /** Events applied twice (the same event id in two notifications cannot be stored; this counts repeats of a sequence number). */
  repeated: number;
  /** Orders whose notifications skip a sequence number or do not start at 1. */
  gaps: number;
  /** Pairs of one order's notifications made out of sequence order. */
  reordered: number;
  held: number;
}

const QUERY = `SELECT
  (SELECT count(*)::int FROM order_events) AS events,
  (SELECT count(*)::int FROM order_events WHERE published_at IS NULL) AS unpublished,
  (SELECT count(*)::int FROM notifications) AS notifications,
  (SELECT count(*)::int FROM order_events e
     WHERE NOT EXISTS (SELECT 1 FROM notifications n WHERE n.event_id = e.id)) AS undelivered,
  (SELECT count(*)::int FROM notifications n
     WHERE NOT EXISTS (SELECT 1 FROM order_events e WHERE e.id = n.event_id AND e.seq = n.seq)) AS orphans,
  (SELECT count(*)::int FROM (SELECT 1 FROM notifications GROUP BY order_id, seq HAVING count(*) > 1) r) AS repeated,
  (SELECT count(*)::int FROM (SELECT 1 FROM notifications GROUP BY order_id
     HAVING min(seq) <> 1 OR max(seq) <> count(DISTINCT seq)) g) AS gaps,
  (SELECT count(*)::int FROM notifications a JOIN notifications b
     ON a.order_id = b.order_id AND a.seq < b.seq AND a.created_at > b.created_at) AS reordered,
  (SELECT count(*)::int FROM notification_held) AS held`;

async function onFirstBackend<T extends pg.QueryResultRow>(t: Topology, text: string): Promise<T> {
  return (await queryServer<T>(at(t, 'postgres', 0), text))[0]!;
}

function readDelivery(t: Topology): Promise<EventDelivery> {
  return onFirstBackend<EventDelivery>(t, QUERY);
}

/** How long status changes took to become notifications, over every event in the store. */
export interface NotificationDelays {
  events: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
}

export function notificationDelays(t: Topology): Promise<NotificationDelays> {
  const delay = 'extract(epoch FROM n.created_at - e.occurred_at) * 1000';
  return onFirstBackend<NotificationDelays>(
    t,
    `SELECT count(*)::int AS events,
            coalesce(round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ${delay})), 0)::float8 AS p50_ms,
            coalesce(round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ${delay})), 0)::float8 AS p99_ms,
            coalesce(round(max(${delay})), 0)::float8 AS max_ms
     FROM notifications n JOIN order_events e ON e.id = n.event_id`,
  );
}

function problems(d: EventDelivery): string[] {
  const out: string[] = [];
  if (d.unpublished > 0) out.push(`order events: ${d.unpublished} of ${d.events} never published`);
  if (d.undelivered > 0) out.push(`order events: ${d.undelivered} of ${d.events} without a notification`);
  if (d.orphans > 0) out.push(`notifications: ${d.orphans} match no order event`);
  if (d.repeated > 0) out.push(`notifications: ${d.repeated} sequence numbers notified twice`);
  if (d.gaps > 0) out.push(`notifications: ${d.gaps} orders with a gap in their sequence`);
  if (d.reordered > 0) out.push(`notifications: ${d.reordered} pairs made out of order`);
  if (d.held > 0) out.push(`notifications: ${d.held} events still held for a predecessor`);
  if (d.notifications !== d.events)
    out.push(`order events: ${d.events} in the outbox, ${d.notifications} notifications`);
  return out;
}

/**
 * Every order event was delivered exactly once and in order: as many notifications as events, each
 * event's own, no sequence number twice, none skipped, none held. The relay and the notifiers work
 * on after the traffic stops, so this is looked at again until it holds, for up to `settleMs`.
 * Read on postgres:0; the backends' comparison that follows says every other backend agrees.
 */
export async function verifyOrderEvents(
  t: Topology,
  settleMs = 60_000,
): Promise<{ delivery: EventDelivery | undefined; differences: string[] }> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    let delivery: EventDelivery | undefined;
    let differences: string[];
    try {
      delivery = await readDelivery(t);
      differences = problems(delivery);
    } catch (error) {
      differences = [`order events: postgres:0 unreadable (${(error as Error).message})`];
    }
    if (differences.length === 0 || Date.now() >= deadline) return { delivery, differences };
    await new Promise((r) => setTimeout(r, 500));
  }
}
