import Fastify, { LogController, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
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

declare module 'fastify' {
  interface FastifyRequest {
    storeTiming: RequestTiming;
  }
}

export type HttpServer = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  Logger,
  TypeBoxTypeProvider
>;

export interface HttpServerOptions {
  instanceId: string;
  bodyLimitBytes: number;
  logger: Logger;
  metrics: Metrics;
  version: string;
  /** Proxies whose X-Forwarded-For is believed (addresses or CIDRs): the client's address is then the one they saw. */
  trustedProxies: readonly string[];
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

  const tracing = options.traceSample > 0 ? requestTracing(app, options.traceSample) : undefined;
  app.decorateRequest('storeTiming', undefined as unknown as RequestTiming);
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-Id', request.id);
    reply.header('X-Served-By', options.instanceId);
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
  app.setErrorHandler((error, request, reply) => sendProblem(error, request, reply, logger));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      new AppError('not_found', `No route for ${request.method} ${request.url.split('?')[0]}`),
      request,
      reply,
      logger,
    ),
  );

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
    refResolver: { buildLocalReference: (json, _base, _frag, i) => (json.$id as string) ?? `def-${i}` },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
