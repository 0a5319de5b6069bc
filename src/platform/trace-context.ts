import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';

// What the rest of the code asks of the trace context (the API package only: cheap to load, and
// a no-op until startTracing registers a provider).

const TRACER = 'bazaar';

/** The active span's ids, for log lines: absent outside a traced request. */
export function activeTraceIds(): { trace_id: string; span_id: string } | undefined {
  const span = trace.getSpan(context.active());
  if (!span) return undefined;
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

/**
 * Runs one store call in a client span named `<store> <operation>` when the request it serves is
 * recorded; otherwise it runs as it is, at no cost.
 */
export function inStoreSpan<T>(store: string, operation: string, work: () => Promise<T>): Promise<T> {
  const parent = trace.getActiveSpan();
  if (!parent?.isRecording()) return work();
  return trace
    .getTracer(TRACER)
    .startActiveSpan(
      `${store} ${operation}`,
      { kind: SpanKind.CLIENT, attributes: { 'db.system.name': store, 'db.operation.name': operation } },
      async (span) => {
        try {
          return await work();
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
          throw error;
        } finally {
          span.end();
        }
      },
    );
}
