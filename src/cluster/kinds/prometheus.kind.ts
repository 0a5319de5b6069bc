import { join } from 'node:path';
import { startSimpleServer } from '../simple-server.js';
import { startAll, defineKind } from '../kind.js';
import { hostPort } from '../layout.js';
import { at } from '../addresses.js';
import { machineOf, type Machine } from '../machines/machine-of.js';
import { prometheusConfig, prometheusDir, prometheusRules, writeScrapeTargets } from '../observability.js';
import { debianProgram } from '../requirements.js';
import { sleep } from '../../platform/processes.js';
import { consolePage, dashboardsOf } from '../dashboards.js';

/** The console libraries (menu, graphs) Debian's package ships among its examples. */
const CONSOLE_LIBRARIES = '/usr/share/doc/prometheus/examples/console_libraries';

/**
 * The package's console libraries, copied with one line less: they load rickshaw's vendored
 * `d3.layout.min.js`, which Debian does not ship (its d3 3.x holds d3.layout already), so every
 * page asked for a file that answers 404.
 */
async function writeConsoleLibraries(machine: Machine, dir: string): Promise<string> {
  const target = join(dir, 'console_libraries');
  await machine.mkdir(target);
  const files = (await machine.run('ls', [CONSOLE_LIBRARIES])).split('\n').filter(Boolean);
  for (const file of files) {
    const text = (await machine.readFile(join(CONSOLE_LIBRARIES, file))) ?? '';
    await machine.writeFile(
      join(target, file),
      text
        .split('\n')
        .filter((line) => !line.includes('/vendor/rickshaw/vendor/d3.layout'))
        .join('\n'),
    );
  }
  return target;
}

/**
 * Prometheus (Debian's): scrapes every API instance, notifier and exporter, the targets following
 * `cluster start|stop` (file-based discovery rewritten by the launcher), and evaluates the alert
 * rules every 2 s (ADR 17).
 */
export const prometheusKind = defineKind({
  name: 'prometheus',
  title: 'Prometheus',
  // Last: every target it is told of exists.
  dependsOn: ['nginx', 'alertmanager'],
  ports: { prometheus: { offset: 730, standard: 9090 } },
  host: { block: 200, code: 'pm', cpu: 0.1, memoryBytes: 512 * 2 ** 20 },
  machineGroup: 'monitoring',
  count: (t) => (t.observability ? 1 : 0),
  address: (t, i) => at(t, 'prometheus', i),
  metricsPath: '/metrics',
  requirements: () => [debianProgram('Prometheus', 'prometheus', 'prometheus')],
  async up(ctx) {
    ctx.step('Prometheus, Alertmanager and exporters');
    await machineOf(ctx.topology, 'prometheus', 0).remove(prometheusDir(ctx.topology));
    await startAll(ctx, this);
  },
  async start(ctx, i) {
    const t = ctx.topology;
    const dir = prometheusDir(t);
    const machine = machineOf(t, 'prometheus', i);
    await machine.mkdir(join(dir, 'data'));
    await machine.writeFile(join(dir, 'prometheus.yml'), prometheusConfig(t, ctx.kinds));
    await machine.writeFile(join(dir, 'rules.yml'), prometheusRules(t, ctx.kinds));
    await writeScrapeTargets(t, ctx.kinds, ctx.stopped);
    await machine.mkdir(join(dir, 'consoles'));
    for (const dashboard of dashboardsOf(ctx.kinds))
      await machine.writeFile(join(dir, 'consoles', `${dashboard.name}.html`), consolePage(t, dashboard));
    return startSimpleServer(t, prometheusKind, i, 'prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=${hostPort(at(t, 'prometheus', i))}`,
      // The dashboards as console pages (/consoles/store.html), over the package's libraries.
      `--web.console.templates=${join(dir, 'consoles')}`,
      `--web.console.libraries=${await writeConsoleLibraries(machine, dir)}`,
      '--storage.tsdb.retention.time=7d',
    ]);
  },
  // Returns once Prometheus has re-read the targets (every 2 s), so a stop that follows is not
  // taken for a crash.
  async componentsChanged(ctx, stopped) {
    await writeScrapeTargets(ctx.topology, ctx.kinds, stopped);
    await sleep(2_500);
  },
});
