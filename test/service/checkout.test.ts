import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CartsService } from '../../src/modules/carts/index.js';
import { PlaceOrder } from '../../src/modules/orders/place-order.use-case.js';
import { AppError } from '../../src/platform/errors.js';
import type { Principal } from '../../src/platform/principal.js';
import { FakeCartStore, FakeCatalog, FakeOrderStore, FakeUsers, ManualClock } from './fakes.js';

// Checkout as a use case over fakes of its ports: cart -> reservation -> order -> cart lines removed.

const anna: Principal = { id: '0190aaaa-0000-7000-8000-000000000001', role: 'customer' };
const boris: Principal = { id: '0190aaaa-0000-7000-8000-000000000002', role: 'customer' };
const admin: Principal = { id: '0190aaaa-0000-7000-8000-0000000000ad', role: 'admin' };
const TTL_MS = 10 * 60_000;

let catalog: FakeCatalog;
let carts: FakeCartStore;
let orders: FakeOrderStore;
let users: FakeUsers;
let clock: ManualClock;
let cartsService: CartsService;
let checkout: PlaceOrder;

const code = (expected: string) => (error: unknown) => error instanceof AppError && error.code === expected;

beforeEach(() => {
  catalog = new FakeCatalog();
  catalog.add({ id: 'p-dress', name: 'Платье', price: 359_900, currency: 'RUB', stock: 5 });
  catalog.add({ id: 'p-shoes', name: 'Running shoes', price: 120_000, currency: 'RUB', stock: 1 });
  carts = new FakeCartStore();
  orders = new FakeOrderStore(catalog);
  users = new FakeUsers();
  users.ids.add(anna.id);
  clock = new ManualClock();
  cartsService = new CartsService(carts, catalog, clock, 'RUB');
  checkout = new PlaceOrder(orders, cartsService, users, clock, TTL_MS, 'RUB');
});

describe('checkout of the cart', () => {
  test('reserves stock, prices the order, sets its expiry and empties the ordered lines', async () => {
    await cartsService.setQuantity(anna, anna.id, 'p-dress', 2);
    await cartsService.setQuantity(anna, anna.id, 'p-shoes', 1);
    const { order, replayed } = await checkout.execute(anna, 'k1', {});
    assert.equal(replayed, false);
    assert.equal(order.status, 'pending_payment');
    assert.equal(order.total, 2 * 359_900 + 120_000);
    assert.equal(order.expires_at, new Date(clock.now().getTime() + TTL_MS).toISOString());
    assert.equal(catalog.products.get('p-dress')!.stock, 3);
    assert.equal(catalog.products.get('p-shoes')!.stock, 0);
    assert.deepEqual((await carts.get(anna.id)).lines, []);
  });

  test('a replay with the same key returns the same order, reserves nothing again, finishes emptying the cart', async () => {
    await cartsService.setQuantity(anna, anna.id, 'p-dress', 1);
    const first = await checkout.execute(anna, 'k1', {});
    // A crash between the commit and emptying the cart: the line is back, the retry removes it.
    await carts.setQuantity(anna.id, 'p-dress', 1);
    const again = await checkout.execute(anna, 'k1', {});
    assert.equal(again.replayed, true);
    assert.equal(again.order.id, first.order.id);
    assert.equal(catalog.products.get('p-dress')!.stock, 4);
    assert.deepEqual((await carts.get(anna.id)).lines, []);
  });

  test('a twin with the same key that commits while this one reads the cart is replayed, not a 400', async () => {
    await cartsService.setQuantity(anna, anna.id, 'p-dress', 1);
    const read = carts.get.bind(carts);
    let twin: Promise<unknown> | undefined;
    carts.get = async (userId) => {
      carts.get = read;
      // The twin checks out completely (order committed, cart emptied) during this read.
      twin = checkout.execute(anna, 'k1', {});
      await twin;
      return read(userId);
    };
    const late = await checkout.execute(anna, 'k1', {});
    assert.equal(late.replayed, true);
    assert.equal(orders.orders.size, 1);
    assert.equal(catalog.products.get('p-dress')!.stock, 4);
  });

  test('a line changed while checking out stays in the cart', async () => {
    await cartsService.setQuantity(anna, anna.id, 'p-dress', 1);
    const placed = await checkout.execute(anna, 'k1', {});
    await carts.setQuantity(anna.id, 'p-dress', 3);
    await checkout.execute(anna, 'k1', {});
    assert.equal(placed.order.items[0]!.quantity, 1);
    assert.deepEqual((await carts.get(anna.id)).lines, [{ product_id: 'p-dress', quantity: 3 }]);
  });

  test('the same key with another body is refused', async () => {
    await checkout.execute(anna, 'k1', { items: [{ product_id: 'p-dress', quantity: 1 }] });
    await assert.rejects(
      checkout.execute(anna, 'k1', { items: [{ product_id: 'p-dress', quantity: 2 }] }),
      code('idempotency_mismatch'),
    );
  });

  test('a replay of explicit items leaves the cart alone', async () => {
    await cartsService.setQuantity(anna, anna.id, 'p-dress', 1);
    const body = { items: [{ product_id: 'p-dress', quantity: 1 }] };
    await checkout.execute(anna, 'k1', body);
    const again = await checkout.execute(anna, 'k1', body);
    assert.equal(again.replayed, true);
    assert.deepEqual((await carts.get(anna.id)).lines, [{ product_id: 'p-dress', quantity: 1 }]);
  });

  test('a key that another request placed meanwhile is answered as a replay', async () => {
    const body = { items: [{ product_id: 'p-dress', quantity: 1 }] };
    // The other request commits between this one's look-up and its own place().
    const winner = await orders.place({
      userId: anna.id,
      cause: 'customer',
      idempotencyKey: 'k1',
      requestHash: 'not-the-same-body',
      lines: body.items,
      build: (snapshot) => ({
        id: 'o-winner',
        user_id: anna.id,
        status: 'pending_payment',
        items: [],
        total: snapshot[0]!.price,
        currency: 'RUB',
        shipping_address: null,
        created_at: clock.now().toISOString(),
        updated_at: clock.now().toISOString(),
        expires_at: clock.now().toISOString(),
      }),
    });
    assert.ok('placed' in winner);
    const lookUp = orders.findByIdempotencyKey.bind(orders);
    orders.findByIdempotencyKey = async () => null;
    await assert.rejects(checkout.execute(anna, 'k1', body), code('idempotency_mismatch'));
    orders.findByIdempotencyKey = lookUp;
  });

  test('insufficient stock: 409 naming the product, nothing reserved, the cart kept', async () => {
    await cartsService.setQuantity(anna, anna.id, 'p-dress', 1);
    await cartsService.setQuantity(anna, anna.id, 'p-shoes', 2);
    await assert.rejects(checkout.execute(anna, 'k1', {}), code('insufficient_stock'));
    assert.equal(catalog.products.get('p-dress')!.stock, 5);
    assert.equal((await carts.get(anna.id)).lines.length, 2);
    assert.equal(orders.orders.size, 0);
  });

  test('an empty cart is a conflict with its state; no items at all is a bad request', async () => {
    await assert.rejects(checkout.execute(anna, 'k1', {}), code('conflict'));
    await assert.rejects(checkout.execute(anna, 'k2', { items: [] }), code('bad_request'));
  });

  test('repeated products are merged into one line', async () => {
    const { order } = await checkout.execute(anna, 'k1', {
      items: [
        { product_id: 'p-dress', quantity: 1 },
        { product_id: 'p-dress', quantity: 2 },
      ],
    });
    assert.deepEqual(
      order.items.map((i) => [i.product_id, i.quantity]),
      [['p-dress', 3]],
    );
  });

  test('for someone else: a customer is refused, an admin orders for an existing user only', async () => {
    const items = [{ product_id: 'p-dress', quantity: 1 }];
    await assert.rejects(checkout.execute(boris, 'k1', { user_id: anna.id, items }), code('forbidden'));
    await assert.rejects(checkout.execute(admin, 'k1', { user_id: boris.id, items }), code('not_found'));
    const { order } = await checkout.execute(admin, 'k1', { user_id: anna.id, items });
    assert.equal(order.user_id, anna.id);
  });
});

describe('carts', () => {
  test('a product not for sale is not kept in the cart: 404', async () => {
    await assert.rejects(cartsService.setQuantity(anna, anna.id, 'p-gone', 1), code('not_found'));
    assert.deepEqual((await carts.get(anna.id)).lines, []);
  });

  test('only the owner or an admin sees or changes a cart', async () => {
    await cartsService.setQuantity(anna, anna.id, 'p-dress', 1);
    await assert.rejects(cartsService.get(boris, anna.id), code('forbidden'));
    await assert.rejects(cartsService.removeItem(boris, anna.id, 'p-dress'), code('forbidden'));
    await assert.rejects(cartsService.clear(boris, anna.id), code('forbidden'));
    assert.equal((await cartsService.get(admin, anna.id)).items.length, 1);
    await cartsService.removeItem(anna, anna.id, 'p-dress');
    assert.equal((await cartsService.get(anna, anna.id)).items.length, 0);
  });

  test('the cart is priced at the current price, and cleared with its user', async () => {
    await cartsService.setQuantity(anna, anna.id, 'p-dress', 2);
    catalog.products.get('p-dress')!.price = 300_000;
    const cart = await cartsService.get(anna, anna.id);
    assert.equal(cart.total, 600_000);
    await cartsService.discard(anna.id);
    assert.deepEqual((await carts.get(anna.id)).lines, []);
    await cartsService.setQuantity(anna, anna.id, 'p-dress', 1);
    await cartsService.clear(anna, anna.id);
    assert.deepEqual((await carts.get(anna.id)).lines, []);
  });
});
