import { rm } from 'node:fs/promises';
import { startApi } from '../api-instance.js';
import { range, startAll, type ServerKind } from '../kind.js';
import { at, componentDir, type Topology } from '../layout.js';
import { DEFAULT_TRACE_SAMPLE } from '../../config/tracing-settings.js';

/** The share of requests traced in this cluster. */
export function traceSample(t: Topology): number {
  return t.traceSample ?? DEFAULT_TRACE_SAMPLE;
}

/** API instances (`bazaar serve`), each given every store's endpoints by the other kinds. */
export const apiKind: ServerKind = {
  name: 'api',
  title: 'API',
  dependsOn: ['seed'],
  count: (t) => t.api,
  address: (t, i) => at(t, 'api', i),
  metricsPath: '/metrics',
  // Runs on the Node.js this command runs on: nothing to install.
  requirements: () => [],
  async up(ctx) {
    const t = ctx.topology;
    ctx.step(`API x${t.api}`);
    for (const i of range(t.api)) await rm(componentDir(t, 'api', i), { recursive: true, force: true });
    await startAll(ctx, this);
  },
  start: (ctx, i) => startApi(ctx.topology, i, ctx.appEnv()),
  // The cluster's tracing, over whatever the caller's shell had.
  appEnv: (t) => ({
    BAZAAR_TRACE_SAMPLE: String(traceSample(t)),
    ...(t.otlpEndpoint ? { BAZAAR_OTLP_ENDPOINT: t.otlpEndpoint } : {}),
  }),
  // The API drains in-flight requests on SIGTERM.
  stopSignal: 'SIGTERM',
};
