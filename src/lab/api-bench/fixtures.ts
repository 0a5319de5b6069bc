import type { Fixtures } from './scenarios.js';
import { ADMIN } from './instances.js';
import { DEMO_CUSTOMER_PASSWORD, demoCustomerEmail } from '../../seed/demo-data.js';

/** A JSON call to the API that throws on anything but 2xx: the bench's own setup must not fail. */
export async function json(
  base: string,
  path: string,
  init: RequestInit & { token?: string } = {},
): Promise<any> /* eslint-disable-line @typescript-eslint/no-explicit-any */ {
  const { token, ...rest } = init;
  const response = await fetch(base + path, {
    ...rest,
    headers: {
      ...(rest.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...rest.headers,
    },
  });
  if (!response.ok)
    throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}

async function login(base: string, email: string, password: string) {
  return json(base, '/api/v1/auth/token', { method: 'POST', body: JSON.stringify({ email, password }) });
}

export async function adminToken(base: string): Promise<string> {
  return (await login(base, ADMIN.email, ADMIN.password)).token as string;
}

/** Products, categories and logged-in customers with empty carts; stock enough for any run of orders. */
export async function prepareFixtures(base: string, connections: number): Promise<Fixtures> {
  const admin = await adminToken(base);
  const productIds: string[] = [];
  const categories = new Set<string>();
  for (let page = 1; page <= 20; page++) {
    const { items } = await json(base, `/api/v1/products?limit=100&page=${page}&sort=name`);
    for (const p of items as Array<{ id: string; category: string }>) {
      productIds.push(p.id);
      categories.add(p.category);
    }
  }
  const customers = [];
  for (let n = 1; n <= connections; n++) {
    const session = await login(base, demoCustomerEmail(n), DEMO_CUSTOMER_PASSWORD);
    const customer = { id: session.user.id as string, token: session.token as string, index: n };
    // Every run starts from empty carts, as a shopper's session does; earlier runs left theirs full.
    await json(base, `/api/v1/users/${customer.id}/cart`, { method: 'DELETE', token: customer.token });
    customers.push(customer);
  }
  // Orders draw from products with stock enough for any run, so that every checkout can succeed.
  const orderable = productIds.slice(0, 200);
  for (const id of orderable) {
    await json(base, `/api/v1/products/${id}`, {
      method: 'PATCH',
      token: admin,
      body: JSON.stringify({ stock: 1_000_000 }),
    });
  }
  return { productIds, categories: [...categories], orderable, customers };
}
