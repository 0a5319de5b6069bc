import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CartLine, CartStore, StoredCart } from '../../src/modules/carts/index.js';

/** A store under test, and how to make a user and a product it may hold (a database needs rows). */
export interface CartStoreSubject {
  store: CartStore;
  user(): Promise<string>;
  product(): Promise<string>;
}

const sorted = (cart: StoredCart): CartLine[] =>
  [...cart.lines].sort((a, b) => a.product_id.localeCompare(b.product_id));
const at = new Date('2026-03-01T12:00:00Z');

/**
 * What every implementation of the CartStore port promises, run against each one (the in-memory
 * fake the service tests use, PostgreSQL, Redis): the services rely on exactly this.
 */
export function cartStoreContract(name: string, subject: () => CartStoreSubject): void {
  describe(`the cart store port: ${name}`, () => {
    test('a cart never written is empty, with no change time', async () => {
      const { store, user } = subject();
      assert.deepEqual(await store.get(await user()), { lines: [], updated_at: null });
    });

    test('setting a quantity returns the whole cart after the change, and sets it again idempotently', async () => {
      const { store, user, product } = subject();
      const [u, p, q] = [await user(), await product(), await product()];
      await store.setQuantity(u, p, 2, at);
      const after = await store.setQuantity(u, q, 3, at);
      const expected = [
        { product_id: p, quantity: 2 },
        { product_id: q, quantity: 3 },
      ].sort((a, b) => a.product_id.localeCompare(b.product_id));
      assert.deepEqual(sorted(after), expected);
      assert.deepEqual(sorted(await store.setQuantity(u, p, 2, at)), expected);
      assert.equal(typeof after.updated_at, 'string');
      assert.deepEqual(sorted(await store.get(u)), expected);
    });

    test('removing a line returns what is left; removing an absent line changes nothing', async () => {
      const { store, user, product } = subject();
      const [u, p, q] = [await user(), await product(), await product()];
      await store.setQuantity(u, p, 1, at);
      await store.setQuantity(u, q, 4, at);
      assert.deepEqual(sorted(await store.removeItem(u, p, at)), [{ product_id: q, quantity: 4 }]);
      assert.deepEqual(sorted(await store.removeItem(u, p, at)), [{ product_id: q, quantity: 4 }]);
    });

    test('clearing empties the cart and no other', async () => {
      const { store, user, product } = subject();
      const [u, other, p] = [await user(), await user(), await product()];
      await store.setQuantity(u, p, 1, at);
      await store.setQuantity(other, p, 5, at);
      await store.clear(u);
      assert.deepEqual((await store.get(u)).lines, []);
      assert.deepEqual((await store.get(other)).lines, [{ product_id: p, quantity: 5 }]);
    });

    test('after checkout only the lines still at the ordered quantity go', async () => {
      const { store, user, product } = subject();
      const [u, kept, changed, ordered] = [await user(), await product(), await product(), await product()];
      await store.setQuantity(u, kept, 1, at);
      await store.setQuantity(u, changed, 3, at);
      await store.setQuantity(u, ordered, 2, at);
      // `changed` was ordered at 2 but set to 3 since: the customer's later change stays.
      await store.removeOrdered(
        u,
        [
          { product_id: ordered, quantity: 2 },
          { product_id: changed, quantity: 2 },
        ],
        at,
      );
      const left = sorted(await store.get(u));
      assert.deepEqual(
        left,
        [
          { product_id: kept, quantity: 1 },
          { product_id: changed, quantity: 3 },
        ].sort((a, b) => a.product_id.localeCompare(b.product_id)),
      );
    });
  });
}
