import type { Role } from '../../platform/principal.js';

export const ORDER_STATUSES = ['pending_payment', 'paid', 'shipped', 'delivered', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The status graph of docs/api.md: which status may follow which. */
const NEXT: Record<OrderStatus, readonly OrderStatus[]> = {
  pending_payment: ['paid', 'cancelled'],
  paid: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: [],
  cancelled: [],
};

/** What a customer may do to their own order; an admin may take every edge of the graph. */
const CUSTOMER_EDGES = new Set(['pending_payment->paid', 'pending_payment->cancelled']);

export type TransitionVerdict = 'allowed' | 'invalid' | 'forbidden';

export function judgeTransition(from: OrderStatus, to: OrderStatus, role: Role): TransitionVerdict {
  if (!NEXT[from].includes(to)) return 'invalid';
  if (role === 'admin' || CUSTOMER_EDGES.has(`${from}->${to}`)) return 'allowed';
  return 'forbidden';
}

/** Reserved stock goes back to the shelf when an order is cancelled, and only then. */
export function releasesStock(to: OrderStatus): boolean {
  return to === 'cancelled';
}

/** The address may change until the parcel leaves. */
export function addressEditable(status: OrderStatus): boolean {
  return status === 'pending_payment' || status === 'paid';
}

/** Only finished orders may be deleted by an admin. */
export function deletable(status: OrderStatus): boolean {
  return status === 'cancelled' || status === 'delivered';
}
