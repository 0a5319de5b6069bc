/** Traces: which share of requests is recorded, and where recorded spans are sent. */
export interface TracingSettings {
  /**
   * BAZAAR_TRACE_SAMPLE: the share of requests that start a trace here and are recorded (0..1).
   * A request that arrives with a `traceparent` follows its caller's decision instead (nginx makes
   * one at the same rate). 0 turns tracing off: no spans, no trace ids.
   */
  readonly sampleRatio: number;
  /** BAZAAR_OTLP_ENDPOINT: an OTLP/HTTP collector's base URL (spans to `<url>/v1/traces`); absent: kept nowhere. */
  readonly otlpEndpoint: string | undefined;
}

/** The default share: its cost is measured by the bench (ADR 18). */
export const DEFAULT_TRACE_SAMPLE = 0.01;

export function parseTracingSettings(
  sampleRaw: string | undefined,
  endpointRaw: string | undefined,
): TracingSettings | string {
  const sampleRatio = sampleRaw === undefined ? DEFAULT_TRACE_SAMPLE : Number(sampleRaw);
  if (!Number.isFinite(sampleRatio) || sampleRatio < 0 || sampleRatio > 1)
    return `BAZAAR_TRACE_SAMPLE must be a number in 0..1, got "${sampleRaw}"`;
  if (endpointRaw !== undefined) {
    let url: URL;
    try {
      url = new URL(endpointRaw);
    } catch {
      return `BAZAAR_OTLP_ENDPOINT must be an http(s) URL, got "${endpointRaw}"`;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return `BAZAAR_OTLP_ENDPOINT must be an http(s) URL, got "${endpointRaw}"`;
  }
  return Object.freeze({ sampleRatio, otlpEndpoint: endpointRaw?.replace(/\/+$/, '') });
}
