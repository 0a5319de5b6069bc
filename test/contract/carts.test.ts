import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { newCustomer, newProduct } from '../support/app.js';
import { assertProblem, contractTarget } from './contract-target.js';

const c = contractTarget();

/** A customer, their cart's path, and a product at `price`. */
async function shopper(price = 1000) {
  const who = await newCustomer(c.api);
  const product = await newProduct(c.api, c.admin, { price });
  const cart = `/api/v1/users/${who.id}/cart`;
  const put = (productId: string, quantity: number) =>
    c.api.put(`${cart}/items/${productId}`, { token: who.token, body: { quantity } });
  return { who, product, cart, put };
}

describe('carts', () => {
  test('a new customer’s cart is empty, total 0', async () => {
    const { who, cart } = await shopper();
    const empty = await c.api.get(cart, { token: who.token });
    assert.deepEqual([empty.status, empty.body.items, empty.body.total], [200, [], 0]);
  });

  test('putting the same quantity twice leaves it as it was (idempotent)', async () => {
    const { product, put } = await shopper();
    await put(product.id, 2);
    const twice = await put(product.id, 2);
    assert.equal(twice.body.items[0].quantity, 2);
  });

  test('the total is the sum of every line', async () => {
    const { product, put } = await shopper(1000);
    const other = await newProduct(c.api, c.admin, { price: 250 });
    await put(product.id, 2);
    const both = await put(other.id, 3);
    assert.equal(both.body.total, 2 * 1000 + 3 * 250);
  });

  test('a cart shows each product’s current price and name', async () => {
    const { who, product, cart, put } = await shopper(1000);
    const other = await newProduct(c.api, c.admin, { price: 250 });
    await put(product.id, 2);
    await put(other.id, 3);
    await c.api.patch(`/api/v1/products/${product.id}`, {
      token: c.admin,
      body: { price: 1100, name: 'Renamed' },
    });
    const repriced = await c.api.get(cart, { token: who.token });
    const line = repriced.body.items.find((i: any) => i.product_id === product.id);
    assert.deepEqual([line.unit_price, line.name, line.line_total], [1100, 'Renamed', 2200]);
    assert.equal(repriced.body.total, 2200 + 750);
  });

  test('a line removed is gone; removing it again is no error', async () => {
    const { who, product, cart, put } = await shopper();
    const other = await newProduct(c.api, c.admin, { price: 250 });
    await put(product.id, 2);
    await put(other.id, 3);
    const removed = await c.api.delete(`${cart}/items/${other.id}`, { token: who.token });
    assert.deepEqual(
      removed.body.items.map((i: any) => i.product_id),
      [product.id],
    );
    assert.equal((await c.api.delete(`${cart}/items/${other.id}`, { token: who.token })).status, 200);
  });

  test('another customer may not read a cart (403); an admin may', async () => {
    const { cart } = await shopper();
    const stranger = await newCustomer(c.api);
    assertProblem(await c.api.get(cart, { token: stranger.token }), 403);
    assert.equal((await c.api.get(cart, { token: c.admin })).status, 200);
  });

  test('a quantity of 0 or over the limit is refused (400)', async () => {
    const { product, put } = await shopper();
    assertProblem(await put(product.id, 0), 400);
    assertProblem(await put(product.id, 1000), 400);
  });

  test('a product that does not exist cannot be put in a cart (404)', async () => {
    const { put } = await shopper();
    assertProblem(await put('01900000-0000-7000-8000-000000000000', 1), 404);
  });

  test('clearing a cart empties it (204)', async () => {
    const { who, product, cart, put } = await shopper();
    await put(product.id, 2);
    assert.equal((await c.api.delete(cart, { token: who.token })).status, 204);
    assert.deepEqual((await c.api.get(cart, { token: who.token })).body.items, []);
  });
});
