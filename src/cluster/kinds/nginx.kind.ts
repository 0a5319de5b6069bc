import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { range, startAll, type ServerKind } from '../kind.js';
import { at, componentDir } from '../layout.js';
import { startNginx, writeNginxConfig } from '../nginx.js';
import { debianProgram } from '../requirements.js';

/** nginx instances, each balancing over every API instance: the cluster's entrypoints. */
export const nginxKind: ServerKind = {
  name: 'nginx',
  title: 'nginx',
  dependsOn: ['api'],
  entrypoint: true,
  count: (t) => t.nginx,
  address: (t, i) => at(t, 'nginx', i),
  requirements: () => [debianProgram('nginx', 'nginx', 'nginx')],
  async up(ctx) {
    const t = ctx.topology;
    ctx.step(`nginx x${t.nginx}`);
    for (const i of range(t.nginx)) await writeNginxConfig(t, i);
    await startAll(ctx, this);
  },
  async start(ctx, i) {
    const t = ctx.topology;
    if (!existsSync(join(componentDir(t, 'nginx', i), 'nginx.conf'))) await writeNginxConfig(t, i);
    return startNginx(t, i);
  },
  // The API believes what nginx says of the client (X-Forwarded-For), from nginx's addresses only.
  appEnv: (t) => ({
    BAZAAR_TRUSTED_PROXIES: [
      ...new Set(Array.from({ length: t.nginx }, (_, i) => at(t, 'nginx', i).host)),
    ].join(','),
  }),
  // SIGQUIT: nginx finishes the requests it has, then stops.
  stopSignal: 'SIGQUIT',
};
