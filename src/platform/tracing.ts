import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-node';
import type { TracingSettings } from '../config/tracing-settings.js';

// OpenTelemetry, set up by hand (ADR 18): a server span per request (@fastify/otel), a client span
// per store call at the adapters' one timing point, and the trace id in log lines and problems.
// Nothing is monkey-patched, so the ES modules load as they are and an unsampled request costs
// one span context and no more.

export interface Tracing {
  /** Sends the spans still buffered; called on shutdown. */
  shutdown(): Promise<void>;
}

let started: NodeTracerProvider | undefined;

/**
 * Registers the process's tracer provider: the W3C trace context propagator, an async-local
 * context, a parent-based ratio sampler and, with an endpoint, a batching OTLP/HTTP exporter.
 * Once per process (tests open many apps in one): later calls keep the first provider.
 */
export function startTracing(settings: TracingSettings, service: string, instance: string): Tracing {
  if (settings.sampleRatio === 0) return { shutdown: async () => undefined };
  if (!started) {
    started = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service, 'service.instance.id': instance }),
      sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.sampleRatio) }),
      spanProcessors: settings.otlpEndpoint
        ? [
            new BatchSpanProcessor(new OTLPTraceExporter({ url: `${settings.otlpEndpoint}/v1/traces` }), {
              scheduledDelayMillis: 1000,
            }),
          ]
        : [],
    });
    started.register();
  }
  const provider = started;
  return { shutdown: () => provider.forceFlush() };
}
