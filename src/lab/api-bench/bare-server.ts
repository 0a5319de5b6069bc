import { createServer } from 'node:http';

/**
 * The yardstick: a bare Node.js HTTP server answering a constant JSON document. Every API figure
 * of the benchmark is printed as a ratio to this one, measured in the same run on the same machine.
 */
const body = JSON.stringify({ id: '01900000-0000-7000-8000-000000000000', name: 'constant', price: 12345 });
const server = createServer((_request, response) => {
  response.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
});
server.keepAliveTimeout = 5_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(
    `listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`,
  );
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
