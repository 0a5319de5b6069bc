import { serverEnv } from '../config/child-env.js';
import { startSimpleServer } from './simple-server.js';
import { defineKind, startAll, type ServerKind } from './kind.js';
import type { PortPlan } from './placement-plan.js';
import { hostPort, type Service, type Topology } from './layout.js';
import { at } from './addresses.js';
import { debianProgram } from './requirements.js';

export interface ExporterSpec {
  /** The kind it reports on: one exporter beside each of its instances, on its host. */
  of: string;
  title: string;
  /** Its port's name and plan (placement-plan.ts), on the host of the server it reports on. */
  service: Service;
  port: PortPlan;
  /** As many as the instances of the kind it reports on may be. */
  maxInstances: number;
  /** The Debian package and the program it installs. */
  pkg: string;
  program: string;
  count(t: Topology): number;
  /** The exporter's command line after its listen address, and its environment. */
  args(t: Topology, i: number): string[];
  env?(t: Topology, i: number): Record<string, string>;
  /** How its listen address is given: `--web.listen-address=` (most) or `-web.listen-address=`. */
  listenFlag?: string;
}

/** A Prometheus exporter from Debian's packages, one beside each instance of the kind it reports on. */
export function exporterKind(spec: ExporterSpec): ServerKind {
  const kind: ServerKind = defineKind({
    name: `${spec.of}-exporter`,
    title: spec.title,
    dependsOn: [spec.of],
    sidecarOf: spec.of,
    maxInstances: spec.maxInstances,
    ports: { [spec.service]: spec.port },
    count: (t) => (t.observability ? spec.count(t) : 0),
    address: (t, i) => at(t, spec.service, i),
    metricsPath: '/metrics',
    requirements: () => [debianProgram(spec.title, spec.program, spec.pkg)],
    async up(ctx) {
      await startAll(ctx, kind);
    },
    start: (ctx, i) =>
      startSimpleServer(
        ctx.topology,
        kind,
        i,
        spec.program,
        [
          `${spec.listenFlag ?? '--web.listen-address'}=${hostPort(at(ctx.topology, spec.service, i))}`,
          ...spec.args(ctx.topology, i),
        ],
        serverEnv(spec.env?.(ctx.topology, i)),
      ),
  });
  return kind;
}
