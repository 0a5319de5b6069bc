import { Client } from './json-client.js';
import type { Product } from '../../modules/catalog/index.js';

// Accounts and products for traffic that runs against a live store (the history checker, the tests).

let counter = 0;

/** Registers a new customer and logs in. */
export async function newCustomer(client: Client): Promise<{ id: string; token: string; email: string }> {
  const email = `shopper${process.pid}-${Date.now()}-${counter++}@example.test`;
  const password = 'correct-horse-1';
  const registered = await client.post('/api/v1/users', { body: { email, password, name: 'Shopper' } });
  if (registered.status !== 201) throw new Error(`register failed: ${registered.status}`);
  const login = await client.post('/api/v1/auth/token', { body: { email, password } });
  if (login.status !== 200) throw new Error(`login right after registering failed: ${login.status}`);
  return { id: registered.body.id, token: login.body.token, email };
}

/**
 * Logs in, waiting through a moment of unavailability (a 5xx or no answer, for at most `withinMs`):
 * a login only issues a token, so sending it again is safe, and a command started while the
 * cluster settles after a fault should wait for it rather than give up at once.
 */
export async function logIn(
  client: Client,
  email: string,
  password: string,
  withinMs = 30_000,
): Promise<string> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const login = await client
      .post('/api/v1/auth/token', { body: { email, password } })
      .catch((e: Error) => e);
    if (!(login instanceof Error) && login.status === 200) return login.body.token as string;
    if (!(login instanceof Error) && login.status < 500)
      throw new Error(`the login of ${email} was refused: ${login.status}`);
    if (Date.now() > deadline) {
      const last = login instanceof Error ? login.message : String(login.status);
      throw new Error(`${email} could not log in within ${withinMs / 1000} s: ${last}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Creates a product as admin and returns it. */
export async function newProduct(
  client: Client,
  adminToken: string,
  fields: Record<string, unknown> = {},
): Promise<Product> {
  const reply = await client.post('/api/v1/products', {
    token: adminToken,
    body: {
      sku: `T-${process.pid}-${Date.now()}-${counter++}`,
      name: 'Test product',
      category: 'Тест',
      price: 12345,
      stock: 10,
      ...fields,
    },
  });
  if (reply.status !== 201)
    throw new Error(`create product failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}
