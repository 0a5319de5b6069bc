import Fastify, { LogController } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { Problem } from './common.schemas.js';
import { addSharedSchema, validatorCompiler } from './validation.js';
import { withRequestTiming, type RequestTiming } from '../request-timing.js';
import { requestTracing } from './request-tracing.js';
import type { HttpServer } from './http-server.js';
import { PRIVATE_RESPONSE_CACHE_CONTROL, SECURITY_HEADERS } from './security-headers.js';
import { registerUnroutedHandling } from './unrouted.js';
import { countRouteSeries, recordResponses } from './response-metrics.js';
import { registerOpenApi } from './openapi-setup.js';

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

  registerUnroutedHandling(app, logger);
  countRouteSeries(app, metrics);
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
  recordResponses(app, metrics, tracing);
  await registerOpenApi(app, options);
  return app;
}
