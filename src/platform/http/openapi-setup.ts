import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import cors from '@fastify/cors';
import type { HttpServer } from './http-server.js';
import { truthfulDocument } from './openapi-document.js';

/** The OpenAPI document (/openapi.json), its pages (/docs) and, when origins are allowed, CORS. */
export async function registerOpenApi(
  app: HttpServer,
  options: { version: string; corsOrigins: readonly string[] },
): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Bazaar store API',
        version: options.version,
        description:
          'Users, catalog with Russian and English morphological search, carts and orders. ' +
          'Money is integer minor units; ids are UUIDv7; errors are application/problem+json (RFC 9457). ' +
          'Unknown body properties are rejected with 400. Login is throttled per email and client address ' +
          '(429 with Retry-After). Product responses carry an ETag (the version) and honour If-None-Match.',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    transformObject: truthfulDocument,
    refResolver: { buildLocalReference: (json, _base, _frag, i) => (json.$id as string) ?? `def-${i}` },
  });
  if (options.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: [...options.corsOrigins],
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: [
        'Authorization',
        'Content-Type',
        'Idempotency-Key',
        'If-Match',
        'If-None-Match',
        'X-Request-Id',
      ],
      exposedHeaders: [
        'ETag',
        'Location',
        'Retry-After',
        'X-Request-Id',
        'X-Served-By',
        'Idempotent-Replayed',
      ],
      maxAge: 600,
    });
  }
  // staticCSP: the docs page gets a policy that lets its own scripts and styles run. Without the
  // plugin's `upgrade-insecure-requests`: Bazaar serves plain HTTP, and a browser reaching it by a
  // LAN address would rewrite the page's own requests to an HTTPS port where nothing answers.
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/g, ''),
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
