import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
} from '@opentelemetry/sdk-trace-node';
import type { TracingSettings } from '../config/tracing-settings.js';

// OpenTelemetry, set up by hand (ADR 18): a server span per recorded request (request-tracing.ts),
// a client span per store call at the adapters' one timing point, and the trace id in log lines
// and problems. Nothing is monkey-patched, so the ES modules load as they are, and a request that
// is not recorded costs a header read.

export interface Tracing {
  /** Sends the spans still buffered; called on shutdown. */
  shutdown(): Promise<void>;
}

let started: NodeTracerProvider | undefined;

/**
 * Registers the process's tracer provider: the W3C trace context propagator, an async-local
 * context and, with an endpoint, a batching OTLP/HTTP exporter.
 * Once per process (tests open many apps in one): later calls keep the first provider.
 */
export function startTracing(settings: TracingSettings, service: string, instance: string): Tracing {
  if (settings.sampleRatio === 0) return { shutdown: async () => undefined };
  if (!started) {
    started = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service, 'service.instance.id': instance }),
      // The HTTP hook decides which requests are recorded (their caller's flag, else the share):
      // a span it starts is kept, and so are its children.
      sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
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
