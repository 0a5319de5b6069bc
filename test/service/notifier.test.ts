import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Notifier,
  notificationText,
  type Notification,
  type NotificationStore,
  type OrderEvent,
  type OrderInbox,
} from '../../src/modules/notifications/index.js';
import type { OrderStatus } from '../../src/modules/orders/order-status.js';
import { ManualClock } from './fakes.js';

// The notifier's rules (exactly once, in order per order) against an in-memory store whose
// per-order transactions run one at a time, as the order row's lock makes them in PostgreSQL.

class FakeNotificationStore implements NotificationStore {
  readonly notifications: Notification[] = [];
  private readonly applied = new Map<string, { ids: Set<string>; last: number }>();
  private readonly held = new Map<string, Map<number, OrderEvent>>();
  private readonly locks = new Map<string, Promise<unknown>>();

  forOrder<T>(orderId: string, work: (inbox: OrderInbox) => Promise<T>): Promise<T> {
    const state = this.applied.get(orderId) ?? { ids: new Set<string>(), last: 0 };
    this.applied.set(orderId, state);
    const held = this.held.get(orderId) ?? new Map<number, OrderEvent>();
    this.held.set(orderId, held);
    const inbox: OrderInbox = {
      lastApplied: async () => state.last,
      hold: async (event) => void held.set(event.seq, event),
      takeHeld: async (seq) => {
        const event = held.get(seq);
        held.delete(seq);
        return event;
      },
      apply: async (event, notification) => {
        state.ids.add(event.id);
        state.last = event.seq;
        this.notifications.push(notification);
      },
    };
    const previous = this.locks.get(orderId) ?? Promise.resolve();
    const run = previous.then(() => work(inbox));
    this.locks.set(
      orderId,
      run.catch(() => undefined),
    );
    return run;
  }

  async list(userId: string, limit: number, offset: number) {
    const mine = this.notifications.filter((n) => n.user_id === userId).reverse();
    return { items: mine.slice(offset, offset + limit), total: mine.length };
  }

  heldCount(): number {
    return [...this.held.values()].reduce((n, m) => n + m.size, 0);
  }
}

const STATUSES: OrderStatus[] = ['pending_payment', 'paid', 'shipped', 'delivered'];

function eventsOf(orderId: string, statuses = STATUSES): OrderEvent[] {
  return statuses.map((status, i) => ({
    id: `${orderId}-e${i + 1}`,
    order_id: orderId,
    user_id: 'u1',
    seq: i + 1,
    status,
    cause: 'customer',
    total: 123450,
    currency: 'RUB',
    occurred_at: '2026-01-01T00:00:00.000Z',
  }));
}

function setUp() {
  const store = new FakeNotificationStore();
  return { store, notifier: new Notifier(store, new ManualClock()) };
}

const seqs = (store: FakeNotificationStore, orderId: string) =>
  store.notifications.filter((n) => n.order_id === orderId).map((n) => n.seq);

test('events in order: one notification each, in order', async () => {
  const { store, notifier } = setUp();
  for (const event of eventsOf('o1')) assert.equal(await notifier.handle(event), 'applied');
  assert.deepEqual(seqs(store, 'o1'), [1, 2, 3, 4]);
});

test('a delivery repeated (a crash between publish and acknowledgement) is skipped', async () => {
  const { store, notifier } = setUp();
  const [created, paid] = eventsOf('o1');
  await notifier.handle(created!);
  await notifier.handle(paid!);
  assert.equal(await notifier.handle(created!), 'duplicate');
  assert.equal(await notifier.handle(paid!), 'duplicate');
  assert.deepEqual(seqs(store, 'o1'), [1, 2]);
});

test('an event ahead of its predecessor is held, then applied right after it', async () => {
  const { store, notifier } = setUp();
  const [created, paid] = eventsOf('o1');
  assert.equal(await notifier.handle(paid!), 'held');
  assert.deepEqual(seqs(store, 'o1'), [], 'never applied out of order');
  assert.equal(await notifier.handle(paid!), 'held', 'a held event delivered again is held once');
  assert.equal(await notifier.handle(created!), 'applied');
  assert.deepEqual(seqs(store, 'o1'), [1, 2]);
  assert.equal(store.heldCount(), 0);
});

test('a gap: the events after it wait, and all follow once it is filled', async () => {
  const { store, notifier } = setUp();
  const [e1, e2, e3, e4] = eventsOf('o1');
  await notifier.handle(e1!);
  assert.equal(await notifier.handle(e4!), 'held');
  assert.equal(await notifier.handle(e3!), 'held');
  assert.deepEqual(seqs(store, 'o1'), [1]);
  await notifier.handle(e2!);
  assert.deepEqual(seqs(store, 'o1'), [1, 2, 3, 4]);
  assert.equal(store.heldCount(), 0, 'nothing is held forever');
});

test('many orders, every event delivered twice in a shuffled order and at once: exactly once each, in order', async () => {
  const { store, notifier } = setUp();
  const orders = Array.from({ length: 20 }, (_, i) => `o${i}`);
  const all = orders.flatMap((o) => eventsOf(o));
  const deliveries = [...all, ...all].sort(() => Math.random() - 0.5);
  await Promise.all(deliveries.map((e) => notifier.handle(e)));
  for (const order of orders) assert.deepEqual(seqs(store, order), [1, 2, 3, 4], order);
  assert.equal(store.notifications.length, all.length);
  assert.equal(store.heldCount(), 0);
});

test('texts say the order, its sum and its status in Russian and English, and who cancelled it', () => {
  const [created] = eventsOf('0198a1b2-0000-7000-8000-000000000000');
  const placed = notificationText(created!);
  assert.match(placed.ru, /^Заказ 0198a1b2 на 1\s234,50\s₽ оформлен и ждёт оплаты\.$/);
  assert.match(placed.en, /^Order 0198a1b2 for RUB\s1,234\.50 is placed and awaits payment\.$/);
  const expired = notificationText({ ...created!, status: 'cancelled', cause: 'expiry' });
  assert.match(expired.ru, /отменён так как не был оплачен вовремя\.$/);
  assert.match(expired.en, /is cancelled as it was not paid in time\.$/);
});
