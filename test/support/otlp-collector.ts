import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  service: string;
}

interface ResourceSpans {
  resource?: { attributes?: Array<{ key: string; value: { stringValue?: string } }> };
  scopeSpans?: Array<{ spans?: Array<Omit<ExportedSpan, 'service'>> }>;
}

/**
 * A test's OTLP/HTTP receiver: keeps every span the API instances export (JSON, as the exporter
 * sends it) so a test can read what a trace is made of. It stands in for a tracing backend's
 * intake, which the protocol defines; nothing of Bazaar's own is replaced by it.
 */
export class OtlpCollector {
  readonly spans: ExportedSpan[] = [];
  private server: Server | undefined;

  async listen(host: string, port: number): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        if (request.url === '/v1/traces') this.keep(Buffer.concat(chunks).toString('utf8'));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    const address = this.server.address() as AddressInfo;
    return `http://${host}:${address.port}`;
  }

  private keep(body: string): void {
    const parsed = JSON.parse(body) as { resourceSpans?: ResourceSpans[] };
    for (const rs of parsed.resourceSpans ?? []) {
      const service =
        rs.resource?.attributes?.find((a) => a.key === 'service.instance.id')?.value.stringValue ?? '';
      for (const scope of rs.scopeSpans ?? [])
        for (const s of scope.spans ?? []) this.spans.push({ ...s, service });
    }
  }

  trace(traceId: string): ExportedSpan[] {
    return this.spans.filter((s) => s.traceId === traceId);
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
