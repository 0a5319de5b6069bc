import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { grafanaDashboard } from '../cluster/dashboards.js';
import { DASHBOARDS } from '../cluster/registry.js';

/** Every file of the Grafana bundle, by path under the output folder. */
export function grafanaFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const d of DASHBOARDS)
    files[join('dashboards', `${d.name}.json`)] = `${JSON.stringify(grafanaDashboard(d), null, 2)}\n`;
  files[join('provisioning', 'datasources', 'bazaar.yaml')] = stringify({
    apiVersion: 1,
    datasources: [
      {
        name: 'Prometheus',
        uid: 'prometheus',
        type: 'prometheus',
        access: 'proxy',
        // `cluster up --observability` on the default base port; change it to yours.
        url: 'http://127.0.0.1:20730',
        isDefault: true,
      },
    ],
  });
  files[join('provisioning', 'dashboards', 'bazaar.yaml')] = stringify({
    apiVersion: 1,
    providers: [
      {
        name: 'bazaar',
        folder: 'Bazaar',
        type: 'file',
        options: { path: '/var/lib/grafana/dashboards/bazaar' },
      },
    ],
  });
  return files;
}

/** `bazaar dashboards`: writes the Grafana dashboards and provisioning files (made from the same panels as the console pages). */
export async function writeDashboards(out: string): Promise<void> {
  for (const [path, text] of Object.entries(grafanaFiles())) {
    await mkdir(join(out, path, '..'), { recursive: true });
    await writeFile(join(out, path), text);
  }
  process.stdout.write(`Grafana dashboards and provisioning files in ${out}\n`);
}
