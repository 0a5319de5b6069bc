import { Type } from '@sinclair/typebox';
import type { HttpServer } from '../../platform/http/server.js';
import type { Metrics } from '../../platform/metrics.js';
import { detectDevice } from './device.js';

/** A store the instance depends on, asked by /ready. */
export interface ReadinessProbe {
  name: string;
  check(): Promise<boolean>;
}

const ClientInfo = Type.Object({
  ip: Type.String(),
  user_agent: Type.Union([Type.String(), Type.Null()]),
  accept_language: Type.Union([Type.String(), Type.Null()]),
  forwarded_for: Type.Union([Type.String(), Type.Null()]),
  device: Type.Union(['desktop', 'mobile', 'tablet', 'tv', 'bot', 'other'].map((d) => Type.Literal(d))),
  served_by: Type.String(),
});

const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
  stores: Type.Record(Type.String(), Type.Union([Type.Literal('up'), Type.Literal('down')])),
});

export function registerSystemRoutes(
  app: HttpServer,
  deps: { instanceId: string; metrics: Metrics; probes: ReadinessProbe[]; isDraining: () => boolean },
): void {
  const tags = ['service'];

  app.get(
    '/health',
    {
      schema: {
        tags,
        summary: 'Liveness: 200 while the process runs',
        response: { 200: Type.Object({ status: Type.String() }) },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/ready',
    {
      schema: {
        tags,
        summary: 'Readiness: 200 when every configured store answers, else 503 with each store’s state',
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (_request, reply) => {
      const states = await Promise.all(
        deps.probes.map(
          async (probe) => [probe.name, (await withTimeout(probe.check(), 2000)) ? 'up' : 'down'] as const,
        ),
      );
      const stores = Object.fromEntries(states);
      const ready = !deps.isDraining() && states.every(([, state]) => state === 'up');
      if (!ready) reply.code(503).header('Retry-After', '2');
      return { status: ready ? ('ready' as const) : ('unavailable' as const), stores };
    },
  );

  app.get(
    '/metrics',
    { schema: { tags, summary: 'Prometheus metrics', produces: ['text/plain'] } },
    async (_request, reply) =>
      reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()),
  );

  app.get(
    '/client/info',
    { schema: { tags, summary: 'What the server sees of the client', response: { 200: ClientInfo } } },
    async (request) => {
      const header = (name: string) => {
        const value = request.headers[name];
        return Array.isArray(value) ? value.join(', ') : (value ?? null);
      };
      const userAgent = header('user-agent');
      return {
        ip: request.ip,
        user_agent: userAgent,
        accept_language: header('accept-language'),
        forwarded_for: header('x-forwarded-for'),
        device: detectDevice(userAgent ?? undefined),
        served_by: deps.instanceId,
      };
    },
  );
}

function withTimeout(check: Promise<boolean>, ms: number): Promise<boolean> {
  return Promise.race([
    check.catch(() => false),
    new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref()),
  ]);
}
