import type { ClusterStatus } from '../cluster/cluster.js';

/** The status table: a line per component, then the entrypoints. */
export function printStatus(status: ClusterStatus): void {
  const rows = status.components.map((c) => [
    c.name,
    c.state,
    c.role === undefined ? '-' : `${c.role}${c.attached ? '' : ', detached'}`,
    c.host,
    c.address,
    c.pid === null ? '-' : String(c.pid),
  ]);
  const header = ['component', 'state', 'role', 'host', 'address', 'pid'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  process.stdout.write(
    `${line(header)}\n${rows.map(line).join('\n')}\n\nentrypoints: ${status.entrypoints.join(' ')}\n`,
  );
}
