import type { Metrics } from '../metrics.js';
import type { HttpServer } from './http-server.js';
import type { requestTracing } from './request-tracing.js';

/** Each documented route's series, made at 0 as the route is added. */
export function countRouteSeries(app: HttpServer, metrics: Metrics): void {
  app.addHook('onRoute', (route) => {
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
}

/** Counts and times every response by route, method and status; ends its trace; logs a traced one. */
export function recordResponses(
  app: HttpServer,
  metrics: Metrics,
  tracing: ReturnType<typeof requestTracing> | undefined,
): void {
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
}
