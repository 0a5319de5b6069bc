import { randomBytes } from 'node:crypto';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Span,
} from '@opentelemetry/api';
import type { FastifyRequest } from 'fastify';
import type { HttpServer } from './http-server.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's trace id: its caller's (traceparent) or, when traced here, its own. */
    traceId: string | undefined;
    /** Its server span, when the request is recorded. */
    span: Span | undefined;
  }
}

// `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`
const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-([\da-f]{2})$/;

export interface RequestTracing {
  /** Decides whether the request is recorded and runs `next` (the rest of it) in its span's context. */
  start(request: FastifyRequest, next: () => void): void;
  /** Ends the request's span, if it has one. */
  finish(request: FastifyRequest, status: number): void;
}

/**
 * A server span per recorded request, from W3C trace context: a request with a `traceparent`
 * follows its caller's sampling decision; one without is recorded at `sampleRatio`. Nothing is
 * made for a request that is not recorded (its trace id is read from the header, no more): a span
 * and a context for every request cost a third of a cached product read (ADR 18). Called from
 * the server's own hooks rather than hooks of its own: each hook is one more step per request.
 */
export function requestTracing(app: HttpServer, sampleRatio: number): RequestTracing {
  const tracer = trace.getTracer('bazaar');
  app.decorateRequest('traceId', undefined);
  app.decorateRequest('span', undefined);
  return {
    start(request, next) {
      const header = request.headers.traceparent;
      const parent = typeof header === 'string' ? TRACEPARENT.exec(header) : null;
      const recorded = parent ? (parseInt(parent[2]!, 16) & 1) === 1 : Math.random() < sampleRatio;
      if (!recorded) {
        request.traceId = parent?.[1];
        next();
        return;
      }
      const parentContext = parent ? propagation.extract(ROOT_CONTEXT, request.headers) : ROOT_CONTEXT;
      const route = request.routeOptions.url ?? 'unmatched';
      const span = tracer.startSpan(
        `${request.method} ${route}`,
        {
          kind: SpanKind.SERVER,
          attributes: {
            'http.request.method': request.method,
            'http.route': route,
            'url.path': request.url.split('?')[0]!,
          },
        },
        parentContext,
      );
      request.span = span;
      request.traceId = span.spanContext().traceId;
      // The rest of the request (hooks, handler, store calls) runs in the span's context.
      context.with(trace.setSpan(parentContext, span), next);
    },
    finish(request, status) {
      const span = request.span;
      if (!span) return;
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
  };
}

/** The trace id to quote for a request: its own, or one made now for a request outside any trace. */
export function traceIdOf(request: FastifyRequest): string {
  request.traceId ??= randomBytes(16).toString('hex');
  return request.traceId;
}
