import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { startTestDatabase, type TestDatabase } from '../support/database.js';
import { newProduct, startTestApp, type TestApp } from '../support/app.js';

// A list page's total comes from per-category counts a trigger keeps (migration 006): they must
// follow every way a product enters, leaves or moves, including many changes at once.
let db: TestDatabase;
let t: TestApp;

before(async () => {
  db = await startTestDatabase();
  t = await startTestApp(db.url);
});
after(async () => {
  await t?.close();
  await db?.stop();
});

const total = async (query = '') =>
  (await t.client.get(`/api/v1/products?limit=1${query}`)).body.total as number;

/** What the totals must be: a count over the products themselves. */
async function counted(category?: string): Promise<number> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM products WHERE deleted_at IS NULL AND ($1::text IS NULL OR category = $1)',
      [category ?? null],
    );
    return rows[0]!.n;
  } finally {
    await client.end();
  }
}

test('totals follow creates, edits, category moves and deletes, also many at once', async () => {
  const [a, b] = [`Итоги-А-${Date.now()}`, `Итоги-Б-${Date.now()}`];
  const created = await Promise.all(
    Array.from({ length: 12 }, (_, i) => newProduct(t.client, t.adminToken, { category: i % 3 ? a : b })),
  );
  assert.deepEqual(
    [await total(`&category=${encodeURIComponent(a)}`), await total(`&category=${encodeURIComponent(b)}`)],
    [8, 4],
  );
  // Six move from a to b and back at once, crossing each other; two are deleted; one is renamed.
  await Promise.all([
    ...created.slice(0, 6).map((p) =>
      t.client.patch(`/api/v1/products/${p.id}`, {
        token: t.adminToken,
        body: { category: p.category === a ? b : a },
      }),
    ),
    t.client.delete(`/api/v1/products/${created[7]!.id}`, { token: t.adminToken }),
    t.client.delete(`/api/v1/products/${created[8]!.id}`, { token: t.adminToken }),
    t.client.patch(`/api/v1/products/${created[10]!.id}`, {
      token: t.adminToken,
      body: { name: 'Новое имя' },
    }),
  ]);
  for (const category of [a, b])
    assert.equal(await total(`&category=${encodeURIComponent(category)}`), await counted(category), category);
  assert.equal(await total(), await counted());
  assert.equal(await total(`&category=${encodeURIComponent('Нет такой')}`), 0);
  // A price range is counted over the products themselves, and agrees.
  assert.equal(await total(`&category=${encodeURIComponent(a)}&min_price=0`), await counted(a));
});
