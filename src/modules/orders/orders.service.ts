import type { Clock } from '../../platform/clock.js';
import { AppError, forbidden, notFound } from '../../platform/errors.js';
import type { Principal } from '../../platform/principal.js';
import { requireAdmin, requireOwnerOrAdmin } from '../../platform/access.js';
import { addressEditable, deletable, judgeTransition, type OrderStatus } from './order-status.js';
import type { Order, OrderStore, ShippingAddress, StatusChange } from './orders.ports.js';

export interface OrderPatch {
  status?: OrderStatus;
  shipping_address?: ShippingAddress;
}

export class OrdersService {
  constructor(
    private readonly store: OrderStore,
    private readonly clock: Clock,
    /** Told which products' stock a change moved (a cancellation releases it), once committed. */
    private readonly stockMoved: (productIds: string[]) => void = () => {},
  ) {}

  async get(caller: Principal, id: string): Promise<Order> {
    const order = await this.store.findById(id);
    if (!order) throw notFound('Order');
    // A customer probing other people's order ids learns nothing more than from a 403.
    requireOwnerOrAdmin(caller, order.user_id);
    return order;
  }

  async listForUser(
    caller: Principal,
    userId: string,
    status: OrderStatus | undefined,
    limit: number,
    page: number,
  ) {
    requireOwnerOrAdmin(caller, userId);
    return this.store.listByUser(userId, status, limit, (page - 1) * limit);
  }

  async update(caller: Principal, id: string, patch: OrderPatch): Promise<Order> {
    const order = await this.get(caller, id);
    const change: StatusChange = {
      from: order.status,
      cause: caller.role === 'admin' ? 'admin' : 'customer',
      at: this.clock.now(),
    };
    if (patch.status !== undefined) {
      const verdict = judgeTransition(order.status, patch.status, caller.role);
      if (verdict === 'invalid') {
        throw new AppError(
          'invalid_transition',
          `An order cannot go from ${order.status} to ${patch.status}`,
        );
      }
      if (verdict === 'forbidden') throw forbidden(`Only an admin may move an order to ${patch.status}`);
      if (patch.status === 'paid' && Date.parse(order.expires_at) <= change.at.getTime()) {
        throw new AppError('invalid_transition', 'The order expired before it was paid');
      }
      change.to = patch.status;
    }
    if (patch.shipping_address !== undefined) {
      if (!addressEditable(order.status)) {
        throw new AppError('conflict', `The address cannot change once the order is ${order.status}`);
      }
      change.shippingAddress = patch.shipping_address;
    }
    const updated = await this.store.change(id, change);
    if (!updated) {
      // Someone else (the expiry job, an admin) moved the order first; nothing was changed.
      throw new AppError('invalid_transition', 'The order changed meanwhile; GET it and try again');
    }
    if (change.to === 'cancelled') this.stockMoved(updated.items.map((item) => item.product_id));
    return updated;
  }

  async delete(caller: Principal, id: string): Promise<void> {
    requireAdmin(caller, 'delete orders');
    const order = await this.store.findById(id);
    if (!order) throw notFound('Order');
    if (!deletable(order.status)) {
      throw new AppError(
        'conflict',
        `An order that is ${order.status} is still active and cannot be deleted`,
      );
    }
    if (!(await this.store.remove(id, order.status, this.clock.now()))) throw notFound('Order');
  }

  /** One sweep of the expiry job: cancels unpaid orders past their time, each exactly once. */
  expireDue(batch = 100): Promise<string[]> {
    return this.store.expireDue(this.clock.now(), batch);
  }
}
