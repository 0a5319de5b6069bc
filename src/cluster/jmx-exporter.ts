import { machineOf } from './machines/machine-of.js';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ClusterSettings } from '../config/cluster-settings.js';
import { componentDir, hostPort, type Service, type Topology } from './layout.js';
import { at } from './addresses.js';
import { fetchServer, serverFetched, serverLib, serverLibOn, type MavenServer } from './maven-fetch.js';
import type { Requirement } from './requirements.js';

// The Prometheus JMX exporter, as a Java agent inside Cassandra's and Kafka's JVMs: their own
// figures (and the JVM's) on an HTTP port of their own, with no second process.

const VERSION = '1.0.1';

const AGENT: MavenServer = {
  title: `Prometheus JMX exporter ${VERSION}`,
  folder: `jmx-exporter-${VERSION}`,
  markerJar: `jmx_prometheus_javaagent-${VERSION}.jar`,
  dependencies: [{ group: 'io.prometheus.jmx', artifact: 'jmx_prometheus_javaagent', version: VERSION }],
};

export function jmxAgentRequirement(settings: ClusterSettings): Requirement {
  return {
    name: AGENT.title,
    packages: () => [],
    find: () => (serverFetched(settings.cacheDir, AGENT) ? serverLib(settings.cacheDir, AGENT) : undefined),
    fetch: (say) => fetchServer(settings.cacheDir, AGENT, say),
  };
}

/**
 * The JVM option that loads the agent into instance i of a kind, serving its metrics at the
 * kind's metrics address, when the cluster has observability (none otherwise). Only the MBeans
 * named are read: walking all of Cassandra's at every scrape would cost a core.
 */
export async function jmxAgentOption(
  t: Topology,
  settings: ClusterSettings,
  kind: string,
  service: Service,
  i: number,
  objectNames: readonly string[],
): Promise<string[]> {
  if (!t.observability) return [];
  const dir = componentDir(t, kind, i);
  const machine = machineOf(t, kind, i);
  await machine.mkdir(dir);
  const config = join(dir, 'jmx-exporter.yaml');
  await machine.writeFile(
    config,
    stringify({
      lowercaseOutputName: true,
      lowercaseOutputLabelNames: true,
      includeObjectNames: [...objectNames],
      rules: [{ pattern: '.*' }],
    }),
  );
  const jar = join(await serverLibOn(machine, settings.cacheDir, AGENT), AGENT.markerJar);
  return [`-javaagent:${jar}=${hostPort(at(t, service, i))}:${config}`];
}
