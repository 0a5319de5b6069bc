/**
 * A V8 CPU profile (`node --cpu-prof`, the format Chrome DevTools and speedscope open as flame
 * graphs) reduced to what a closing note can hold: where the sampled time of a window went, by
 * area (a package, Node.js itself, a Bazaar module, the garbage collector) and by function.
 */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Cost {
  name: string;
  ms: number;
  /** Share of the busy (not idle) time. */
  share: number;
}

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  areas: Cost[];
  functions: Cost[];
}

/** Where a frame's code comes from: a package, Node.js, a Bazaar folder, or V8's own work. */
export function areaOf(url: string, functionName: string): string {
  if (url === '') {
    if (functionName === '(garbage collector)') return 'V8: garbage collector';
    if (functionName === '(program)') return 'V8: program (native, compiler)';
    if (functionName === '(idle)') return 'idle';
    return 'native';
  }
  const packageMatch = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (packageMatch) return packageMatch[1]!;
  if (url.startsWith('node:')) return 'node: core';
  const own = /\/(?:dist|src)\/((?:modules|adapters|platform)\/[^/]+|[^/]+)/.exec(url);
  if (own) return `bazaar: ${own[1]!.replace(/\.js$/, '')}`;
  return url;
}

/**
 * Self time per area and per function of the samples between `fromUs` and `toUs` (profile clock,
 * microseconds from its start; the whole profile when omitted).
 */
export function summariseProfile(profile: CpuProfile, fromUs = 0, toUs = Infinity, top = 12): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let at = 0;
  let idleUs = 0;
  let busyUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    if (at < fromUs || at > toUs) continue;
    // A sample stands for the time until the next one.
    const spent = profile.timeDeltas[i + 1] ?? 0;
    const frame = byId.get(profile.samples[i]!)!.callFrame;
    const area = areaOf(frame.url, frame.functionName);
    if (area === 'idle') {
      idleUs += spent;
      continue;
    }
    busyUs += spent;
    areas.set(area, (areas.get(area) ?? 0) + spent);
    const file = frame.url.split('/').pop() ?? '';
    const name = `${frame.functionName || '(anonymous)'}${file ? ` ${file}:${frame.lineNumber + 1}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + spent);
  }
  const ranked = (costs: Map<string, number>): Cost[] =>
    [...costs]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: busyUs === 0 ? 0 : us / busyUs }));
  return { busyMs: busyUs / 1000, idleMs: idleUs / 1000, areas: ranked(areas), functions: ranked(functions) };
}
