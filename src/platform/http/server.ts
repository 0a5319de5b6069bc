import Fastify, { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import cors from '@fastify/cors';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { AppError } from '../errors.js';
import { Problem } from './common.schemas.js';
import { sendProblem } from './problem.js';
import { addSharedSchema, validatorCompiler } from './validation.js';
import { withRequestTiming, type RequestTiming } from '../request-timing.js';

import { requestTracing } from './request-tracing.js';
import { RouteTable } from './route-table.js';
import type { HttpServer } from './http-server.js';
import { truthfulDocument } from './openapi-document.js';
import { PRIVATE_RESPONSE_CACHE_CONTROL, SECURITY_HEADERS } from './security-headers.js';

declare module 'fastify' {
  interface FastifyRequest {
    storeTiming: RequestTiming;
  }
}

export type { HttpServer } from './http-server.js';

export interface HttpServerOptions {
  instanceId: string;
  bodyLimitBytes: number;
  logger: Logger;
  metrics: Metrics;
  version: string;
  /** Proxies whose X-Forwarded-For is believed (addresses or CIDRs): the client's address is then the one they saw. */
  trustedProxies: readonly string[];
  /** Browser origins allowed by CORS; empty: no CORS headers, so browsers keep other sites out. */
  corsOrigins: readonly string[];
  /** The share of requests without a `traceparent` that are traced (0: none; startTracing has run). */
  traceSample: number;
}

// Any visible ASCII up to 200 characters is echoed; anything else gets a fresh id.
const REQUEST_ID = /^[\x21-\x7e]{1,200}$/;

/** Fastify with the cross-cutting behaviour of every route: ids, errors, metrics, OpenAPI. */
export async function createHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { logger, metrics } = options;
  const app = Fastify({
    loggerInstance: logger,
    // Per-request lines would cost more than the requests; metrics and the nginx log cover them.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes,
    // Node's default is 5 s; nginx keeps upstream connections for 4 s, below it, so a reused socket
    // is never closed under a request.
    keepAliveTimeout: 5_000,
    requestTimeout: 30_000,
    return503OnClosing: true,
    trustProxy: options.trustedProxies.length > 0 ? [...options.trustedProxies] : false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      // randomUUID draws from a pool of entropy it refills every 128 ids; a UUIDv7 asked the
      // system for 16 bytes each time, 14 % of a cached product card's CPU (bench:profile).
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as HttpServer;

  // The API speaks JSON only: any other body (text/plain included) is a 415.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  addSharedSchema(Problem);
  app.addSchema(Problem);

  const routes = new RouteTable();
  app.addHook('onRoute', (route) => {
    routes.add(route.method, route.url);
    // Each documented route's success series exists from the start, at 0: Prometheus's increase()
    // counts a series only from its second sample, so a route first used mid-window (a rare admin
    // write) would otherwise go unseen there.
    const schema = route.schema as { hide?: boolean; response?: Record<string, unknown> } | undefined;
    if (!schema || schema.hide) return;
    const status = Object.keys(schema.response ?? {}).find((code) => code.startsWith('2')) ?? '200';
    for (const method of typeof route.method === 'string' ? [route.method] : route.method) {
      if (method === 'HEAD') continue;
      const labels = { route: route.url, method, status };
      metrics.httpRequests.labels(labels).inc(0);
      metrics.httpDuration.zero(labels);
      metrics.requestStoreTime.zero({ route: route.url, method });
    }
  });

  const tracing = options.traceSample > 0 ? requestTracing(app, options.traceSample) : undefined;
  app.decorateRequest('storeTiming', undefined as unknown as RequestTiming);
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-Id', request.id);
    reply.header('X-Served-By', options.instanceId);
    reply.headers(SECURITY_HEADERS);
    if (request.headers.authorization !== undefined)
      reply.header('cache-control', PRIVATE_RESPONSE_CACHE_CONTROL);
    request.storeTiming = { storeSeconds: 0 };
    // The rest of the request runs with its own store timing (Metrics.timeStore adds to it) and,
    // when recorded, in its span.
    const rest = () => withRequestTiming(request.storeTiming, done);
    if (tracing) tracing.start(request, rest);
    else rest();
  });
  // One pair of labelled children per route, method and status, made once: prom-client would
  // otherwise hash a fresh label object twice per request.
  type Observer = { observe(v: number): void };
  const series = new Map<string, { count: { inc(): void }; time: Observer; store: Observer }>();
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${reply.statusCode} ${route}`;
    let found = series.get(key);
    if (!found) {
      const labels = { route, method: request.method, status: String(reply.statusCode) };
      found = {
        count: metrics.httpRequests.labels(labels),
        time: metrics.httpDuration.labels(labels),
        store: metrics.requestStoreTime.labels({ route, method: request.method }),
      };
      series.set(key, found);
    }
    tracing?.finish(request, reply.statusCode);
    found.count.inc();
    found.time.observe(reply.elapsedTime / 1000);
    found.store.observe(request.storeTiming.storeSeconds);
    // One line per recorded request (the sampled share): what ties nginx's log, this log and the
    // trace together. Every request would cost more than the requests themselves.
    if (request.span)
      request.log.info(
        {
          trace_id: request.traceId,
          method: request.method,
          route,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
          store_ms: Math.round(request.storeTiming.storeSeconds * 10_000) / 10,
        },
        'request',
      );
  });
  // No route for the method and path: 405 with Allow when the path exists, else 404.
  const unrouted = (request: FastifyRequest, reply: FastifyReply, methods?: string[]): void => {
    const path = request.url.split('?')[0]!;
    const allowed = methods ?? routes.methodsFor(path);
    if (allowed.length === 0) {
      sendProblem(
        new AppError('not_found', `No route for ${request.method} ${path}`),
        request,
        reply,
        logger,
      );
      return;
    }
    reply.header('Allow', allowed.join(', '));
    const detail = `${path} answers ${allowed.join(', ')}, not ${request.method}`;
    sendProblem(new AppError('method_not_allowed', detail), request, reply, logger);
  };
  // A body that cannot be read on an unrouted request (QUERY without a Content-Type) is still
  // answered as unrouted: which route does not exist matters, not its body.
  // A path parameter refused where the path is another route's own (PATCH /api/v1/users/me, which
  // only /api/v1/users/:id would take) is that route asked with a method it does not have.
  app.setErrorHandler((error, request, reply) => {
    const path = request.url.split('?')[0]!;
    const paramsRefused = (error as { validationContext?: string }).validationContext === 'params';
    if (request.is404 || (paramsRefused && routes.staticMethodsFor(path).length > 0)) {
      unrouted(request, reply, paramsRefused ? routes.staticMethodsFor(path) : undefined);
    } else sendProblem(error, request, reply, logger);
  });
  app.setNotFoundHandler((request, reply) => unrouted(request, reply));

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
  return app;
}
