import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OrdersService } from '../../src/modules/orders/orders.service.js';
import { UsersService } from '../../src/modules/users/index.js';
import type { Order } from '../../src/modules/orders/orders.ports.js';
import {
  lastAdminConflict,
  type Page,
  type User,
  type UserChanges,
  type UserRecord,
  type UserStore,
} from '../../src/modules/users/users.ports.js';
import { AppError } from '../../src/platform/errors.js';
import type { Principal } from '../../src/platform/principal.js';
import { FakeCatalog, FakeOrderStore, ManualClock } from './fakes.js';

// The order status graph by role, and the users' rules, over fakes of their stores.

const anna: Principal = { id: 'u-anna', role: 'customer' };
const boris: Principal = { id: 'u-boris', role: 'customer' };
const admin: Principal = { id: 'u-admin', role: 'admin' };
const code = (expected: string) => (error: unknown) => error instanceof AppError && error.code === expected;

describe('orders: the status graph by role', () => {
  let store: FakeOrderStore;
  let clock: ManualClock;
  let orders: OrdersService;
  const order = (fields: Partial<Order> = {}): Order => {
    const now = clock.now();
    const o: Order = {
      id: `o-${store.orders.size + 1}`,
      user_id: anna.id,
      status: 'pending_payment',
      items: [],
      total: 100,
      currency: 'RUB',
      shipping_address: null,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
      expires_at: new Date(now.getTime() + 60_000).toISOString(),
      ...fields,
    };
    store.orders.set(o.id, o);
    return o;
  };

  beforeEach(() => {
    store = new FakeOrderStore(new FakeCatalog());
    clock = new ManualClock();
    orders = new OrdersService(store, clock);
  });

  test('the customer pays; only an admin ships and delivers', async () => {
    const o = order();
    assert.equal((await orders.update(anna, o.id, { status: 'paid' })).status, 'paid');
    await assert.rejects(orders.update(anna, o.id, { status: 'shipped' }), code('forbidden'));
    assert.equal((await orders.update(admin, o.id, { status: 'shipped' })).status, 'shipped');
    await assert.rejects(orders.update(anna, o.id, { status: 'delivered' }), code('forbidden'));
    assert.equal((await orders.update(admin, o.id, { status: 'delivered' })).status, 'delivered');
  });

  test('no jumping over a step, and no paying after the expiry', async () => {
    await assert.rejects(
      orders.update(anna, order().id, { status: 'delivered' }),
      code('invalid_transition'),
    );
    const late = order();
    clock.advance(61_000);
    await assert.rejects(orders.update(anna, late.id, { status: 'paid' }), /expired before it was paid/);
  });

  test('a stranger gets 403, an unknown order 404; a status someone else moved first is refused', async () => {
    const o = order();
    await assert.rejects(orders.get(boris, o.id), code('forbidden'));
    await assert.rejects(orders.get(anna, 'o-none'), code('not_found'));
    const change = store.change.bind(store);
    store.change = async () => null;
    await assert.rejects(orders.update(anna, o.id, { status: 'paid' }), /changed meanwhile/);
    store.change = change;
  });

  test('the address changes only before shipping; deleting is for admins and ended orders', async () => {
    const address = { line1: 'Тверская 1', city: 'Москва', country: 'RU' };
    const o = order();
    assert.equal((await orders.update(anna, o.id, { shipping_address: address })).status, 'pending_payment');
    const shipped = order({ status: 'shipped' });
    await assert.rejects(orders.update(admin, shipped.id, { shipping_address: address }), code('conflict'));
    await assert.rejects(orders.delete(anna, shipped.id), code('forbidden'));
    await assert.rejects(orders.delete(admin, shipped.id), code('conflict'));
    await assert.rejects(orders.delete(admin, 'o-none'), code('not_found'));
    const ended = order({ status: 'cancelled' });
    await orders.delete(admin, ended.id);
    assert.equal(store.orders.has(ended.id), false);
  });

  test('listing is the owner’s or an admin’s; the expiry sweep cancels what is due', async () => {
    order();
    order({ user_id: boris.id });
    assert.equal((await orders.listForUser(anna, anna.id, undefined, 20, 1)).total, 1);
    await assert.rejects(orders.listForUser(boris, anna.id, undefined, 20, 1), code('forbidden'));
    clock.advance(61_000);
    assert.equal((await orders.expireDue()).length, 2);
  });
});

class FakeUserStore implements UserStore {
  readonly users = new Map<string, UserRecord>();
  async insert(user: UserRecord) {
    if ([...this.users.values()].some((u) => u.email.toLowerCase() === user.email.toLowerCase()))
      throw new AppError('duplicate', 'email taken');
    this.users.set(user.id, user);
  }
  async insertMany(users: UserRecord[]) {
    for (const u of users) await this.insert(u);
    return users.length;
  }
  async findById(id: string) {
    return this.users.get(id) ?? null;
  }
  async findAuth(id: string) {
    const u = this.users.get(id);
    return u ? { role: u.role, credentialsVersion: u.credentials_version ?? 1 } : null;
  }
  async findByEmail(email: string) {
    return [...this.users.values()].find((u) => u.email.toLowerCase() === email.toLowerCase()) ?? null;
  }
  async list(limit: number, offset: number): Promise<Page<User>> {
    const all = [...this.users.values()];
    return { items: all.slice(offset, offset + limit), total: all.length };
  }
  async update(id: string, changes: UserChanges, at: Date) {
    const u = this.users.get(id);
    if (!u) return null;
    const admins = [...this.users.values()].filter((x) => x.role === 'admin');
    if (changes.role === 'customer' && admins.length === 1 && admins[0]!.id === id) throw lastAdminConflict();
    const version = (u.credentials_version ?? 1) + (changes.password_hash ? 1 : 0);
    const next = { ...u, ...changes, credentials_version: version, updated_at: at.toISOString() };
    this.users.set(id, next);
    return next;
  }
  async softDelete(id: string) {
    const admins = [...this.users.values()].filter((x) => x.role === 'admin');
    if (admins.length === 1 && admins[0]!.id === id) throw lastAdminConflict();
    return this.users.delete(id);
  }
}

describe('users', () => {
  let store: FakeUserStore;
  let users: UsersService;
  let deleted: string[];

  beforeEach(() => {
    store = new FakeUserStore();
    deleted = [];
    users = new UsersService(store, new ManualClock(), [async (id) => void deleted.push(id)]);
  });

  test('a customer sees and changes only themselves; a role only an admin gives', async () => {
    const a = await users.register({ email: ' anna@shop.test ', password: 'correct-horse', name: ' Anna ' });
    assert.equal(a.email, 'anna@shop.test');
    assert.equal(a.name, 'Anna');
    const me: Principal = { id: a.id, role: 'customer' };
    assert.equal((await users.get(me, a.id)).id, a.id);
    await assert.rejects(users.get(boris, a.id), code('forbidden'));
    await assert.rejects(users.update(me, a.id, { role: 'admin' }), code('forbidden'));
    await assert.rejects(users.list(me, 20, 1), code('forbidden'));
    assert.equal((await users.update(admin, a.id, { role: 'admin' })).role, 'admin');
    assert.equal((await users.list(admin, 20, 1)).total, 1);
  });

  test('deleting a user runs the hooks (the cart goes); an unknown user is 404', async () => {
    const a = await users.register({ email: 'a@shop.test', password: 'correct-horse', name: 'A' });
    await users.delete(admin, a.id);
    assert.deepEqual(deleted, [a.id]);
    await assert.rejects(users.delete(admin, a.id), code('not_found'));
    await assert.rejects(users.update(admin, a.id, { name: 'B' }), code('not_found'));
  });

  test('the configured admin is created, then promoted and given the configured password again', async () => {
    const first = await users.ensureAdmin('ops@shop.test', 'admin-password-1');
    assert.equal(first.role, 'admin');
    // The only admin cannot be demoted; with a second one it can, and the next start restores it.
    await assert.rejects(users.update(admin, first.id, { role: 'customer' }), code('conflict'));
    await users.register({ email: 'second@shop.test', password: 'correct-horse', name: 'S' }, 'admin');
    await users.update(admin, first.id, { role: 'customer' });
    const again = await users.ensureAdmin('ops@shop.test', 'admin-password-2');
    assert.equal(again.id, first.id);
    assert.equal(again.role, 'admin');
    assert.notEqual(store.users.get(first.id)!.password_hash, '');
  });
});
