import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * A store that answers every route of the shopaholic scenario at once with a fixed, well-formed
 * document. It measures the load client's own ceiling, never the API: nothing is stored.
 */
const ITEMS = JSON.stringify({
  items: Array.from({ length: 20 }, (_, i) => ({
    id: `0190000${i.toString(16)}-0000-7000-8000-000000000000`,
  })),
  page: 1,
  limit: 20,
  total: 20,
});
const TOKEN = JSON.stringify({ token: 't', token_type: 'Bearer', expires_in: 3600, user: { id: 'u1' } });
const CART = JSON.stringify({ items: [] });
const ORDER = JSON.stringify({ id: 'o1' });
const EMPTY = '{}';

function answer(req: IncomingMessage): [number, string] {
  const path = req.url!.split('?')[0]!;
  if (req.method === 'POST' && path === '/api/v1/auth/token') return [200, TOKEN];
  if (req.method === 'POST' && path === '/api/v1/orders') return [201, ORDER];
  if (req.method === 'POST') return [201, EMPTY];
  if (req.method === 'GET' && path === '/api/v1/products') return [200, ITEMS];
  if (req.method === 'GET' && path.endsWith('/cart')) return [200, CART];
  return [200, EMPTY];
}

/** Listens on `host` (a simulated network's gateway when the client runs on a host of its own). */
export function startStubStore(host = '127.0.0.1'): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const [status, body] = answer(req);
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        etag: '"1"',
      });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 30_000;
  return new Promise((resolve) => {
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `http://${host}:${port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
