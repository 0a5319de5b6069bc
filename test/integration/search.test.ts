import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestDatabase, type TestDatabase } from '../support/database.js';
import { newProduct, startTestApp, type TestApp } from '../support/app.js';

let db: TestDatabase;
let t: TestApp;
const ids: Record<string, string> = {};

before(async () => {
  db = await startTestDatabase();
  t = await startTestApp(db.url);
  const add = async (key: string, fields: Record<string, unknown>) =>
    (ids[key] = (await newProduct(t.client, t.adminToken, { category: 'Разное', ...fields })).id);
  await add('dress', { name: 'Летнее платье', description: 'Лёгкая ткань' });
  await add('cotton', { name: 'Рубашка', description: 'Сшита из хлопка высшего сорта' });
  await add('wallets', { name: 'Набор', description: 'Кожаные кошельки ручной работы' });
  await add('shoes', { name: 'Туфли лодочки', description: 'Классика' });
  await add('running', { name: 'Trail shoes', description: 'Built for running on rough ground' });
  await add('colour', {
    name: 'Кружка',
    description: 'Керамика',
    attributes: { color: 'изумрудный', capacity_ml: 350 },
  });
  await add('lamp', { name: 'Настольная лампа', description: 'Свет для чтения' });
});
after(async () => {
  await t?.close();
  await db?.stop();
});

async function search(text: string): Promise<string[]> {
  const reply = await t.client.get(`/api/v1/products?search=${encodeURIComponent(text)}&limit=50`);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body.items.map((p: { id: string }) => p.id);
}

const forms: Array<[string, string]> = [
  ['платья', 'dress'],
  ['платьем', 'dress'],
  ['платье', 'dress'],
  ['хлопок', 'cotton'],
  ['кошелек', 'wallets'],
  ['кошелёк', 'wallets'],
  ['туфлями', 'shoes'],
  ['runs', 'running'],
  ['run', 'running'],
  ['изумрудного', 'colour'],
];

for (const [query, key] of forms) {
  test(`"${query}" finds the ${key} product and nothing unrelated`, async () => {
    const found = await search(query);
    assert.ok(found.includes(ids[key]!), `${query} did not find ${key}`);
    assert.ok(!found.includes(ids.lamp!), `${query} found the lamp`);
  });
}

test('every word must match; punctuation-only text finds nothing', async () => {
  assert.deepEqual(await search('платье хлопок'), []);
  assert.deepEqual(await search('летнее платье'), [ids.dress]);
  const beyond = await t.client.get(`/api/v1/products?search=${encodeURIComponent('платье')}&page=40`);
  assert.deepEqual([beyond.body.items.length, beyond.body.total, beyond.body.page], [0, 1, 40]);
  const blank = await t.client.get('/api/v1/products?search=' + encodeURIComponent('?!'));
  assert.deepEqual([blank.body.items.length, blank.body.total], [0, 0]);
});

test('a name match ranks above a description match', async () => {
  await newProduct(t.client, t.adminToken, {
    name: 'Чехол',
    description: 'Подходит к любой лампе',
    category: 'Разное',
  });
  const found = await search('лампа');
  assert.equal(found.length, 2);
  assert.equal(found[0], ids.lamp);
});

test('search combines with filters and other sorts; deleted products leave the results', async () => {
  const cheap = await newProduct(t.client, t.adminToken, {
    name: 'Платье вечернее',
    price: 100,
    category: 'Платья',
  });
  const byPrice = await t.client.get(`/api/v1/products?search=${encodeURIComponent('платье')}&sort=price`);
  assert.equal(byPrice.body.items[0].id, cheap.id);
  const filtered = await t.client.get(
    `/api/v1/products?search=${encodeURIComponent('платье')}&category=${encodeURIComponent('Платья')}`,
  );
  assert.deepEqual(
    filtered.body.items.map((p: { id: string }) => p.id),
    [cheap.id],
  );
  await t.client.delete(`/api/v1/products/${cheap.id}`, { token: t.adminToken });
  // The same query again: its hits may come from the instance's short-lived cache, yet the deleted
  // product must be gone at once.
  const again = await t.client.get(`/api/v1/products?search=${encodeURIComponent('платье')}&sort=price`);
  assert.ok(again.body.items.length > 0);
  assert.ok(!again.body.items.some((p: { id: string }) => p.id === cheap.id));
});
