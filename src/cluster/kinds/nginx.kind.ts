import { rate } from '../monitoring.js';
import { join } from 'node:path';
import { range, startAll, defineKind } from '../kind.js';
import { componentDir, countOf } from '../layout.js';
import { at } from '../addresses.js';
import { machineOf } from '../machines/machine-of.js';
import { startNginx, writeNginxConfig } from '../nginx.js';
import { debianProgram } from '../requirements.js';

/** nginx instances, each balancing over every API instance: the cluster's entrypoints. */
export const nginxKind = defineKind({
  name: 'nginx',
  title: 'nginx',
  dependsOn: ['api'],
  entrypoint: true,
  countOption: {
    flag: '--nginx <n>',
    description: 'nginx instances, 1..4',
    min: 1,
    max: 4,
    default: 2,
  },
  ports: {
    nginx: { offset: 80, standard: 80 },
    nginxStatus: { offset: 790, standard: 8081 },
  },
  host: { block: 40, code: 'ng', cpu: 0.05, memoryBytes: 64 * 2 ** 20 },
  panels: [
    {
      title: 'nginx requests per second',
      dashboard: 'databases',
      expr: rate('nginx_http_requests_total', 'component'),
      unit: 'reqps',
      legend: '{{component}}',
    },
    {
      title: 'nginx active connections',
      dashboard: 'databases',
      expr: 'sum by (component) (nginx_connections_active)',
      unit: 'short',
      legend: '{{component}}',
    },
  ],
  count: (t) => countOf(t, 'nginx'),
  address: (t, i) => at(t, 'nginx', i),
  requirements: () => [debianProgram('nginx', 'nginx', 'nginx')],
  async up(ctx) {
    const t = ctx.topology;
    ctx.step(`nginx x${countOf(t, 'nginx')}`);
    for (const i of range(countOf(t, 'nginx'))) await writeNginxConfig(t, i);
    await startAll(ctx, this);
  },
  async start(ctx, i) {
    const t = ctx.topology;
    if (!(await machineOf(t, 'nginx', i).exists(join(componentDir(t, 'nginx', i), 'nginx.conf'))))
      await writeNginxConfig(t, i);
    return startNginx(t, i);
  },
  // The API believes what nginx says of the client (X-Forwarded-For), from nginx's addresses only.
  appEnv: (t) => ({
    BAZAAR_TRUSTED_PROXIES: [
      ...new Set(Array.from({ length: countOf(t, 'nginx') }, (_, i) => at(t, 'nginx', i).host)),
    ].join(','),
  }),
  logFile: 'error.log',
  // SIGQUIT: nginx finishes the requests it has, then stops.
  stopSignal: 'SIGQUIT',
});
