import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ORDER_STATUSES, type OrderEvent } from '../orders/index.js';

/** An order event as it travels between processes (Kafka's message value): JSON of this shape. */
export const OrderEventMessage = Type.Object(
  {
    id: Type.String({ pattern: '^[0-9a-f-]{36}$' }),
    order_id: Type.String({ pattern: '^[0-9a-f-]{36}$' }),
    user_id: Type.String({ pattern: '^[0-9a-f-]{36}$' }),
    seq: Type.Integer({ minimum: 1 }),
    status: Type.Union(ORDER_STATUSES.map((s) => Type.Literal(s))),
    cause: Type.Union([Type.Literal('customer'), Type.Literal('admin'), Type.Literal('expiry')]),
    total: Type.Integer({ minimum: 0 }),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    occurred_at: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T' }),
  },
  { additionalProperties: true },
);

const check = TypeCompiler.Compile(OrderEventMessage);

export function encodeOrderEvent(event: OrderEvent): string {
  return JSON.stringify(event);
}

/**
 * Reads a message back into an event, or says why it is not one. A message that is not an event
 * (written by something else on the topic, or damaged) can never become a notification: the
 * consumer logs it and moves past it rather than stopping its partition for good.
 */
export function decodeOrderEvent(text: string | undefined): OrderEvent | { invalid: string } {
  if (text === undefined) return { invalid: 'empty message' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { invalid: 'not JSON' };
  }
  if (!check.Check(parsed)) {
    const first = check.Errors(parsed).First();
    return { invalid: first ? `${first.path || '/'}: ${first.message}` : 'not an order event' };
  }
  const m = parsed as Static<typeof OrderEventMessage>;
  return {
    id: m.id,
    order_id: m.order_id,
    user_id: m.user_id,
    seq: m.seq,
    status: m.status,
    cause: m.cause,
    total: m.total,
    currency: m.currency,
    occurred_at: m.occurred_at,
  };
}
