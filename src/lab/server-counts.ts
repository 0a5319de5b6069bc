import { request } from 'undici';

/** Requests each API instance counted, by "METHOD route", from its own `/metrics`. */
export type RouteCounts = Record<string, number>;

const LINE = /^bazaar_http_requests_total\{([^}]*)\}\s+(\d+(?:\.\d+)?)/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

export function parseRequestCounts(text: string): RouteCounts {
  const counts: RouteCounts = {};
  for (const line of text.split('\n')) {
    const match = LINE.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of match[1]!.matchAll(LABEL)) labels[key!] = value!;
    const key = `${labels.method} ${labels.route}`;
    counts[key] = (counts[key] ?? 0) + Number(match[2]);
  }
  return counts;
}

/** The sum over instances. Scraping `/metrics` counts itself: those requests are left out. */
export async function scrapeRequestCounts(apiUrls: string[]): Promise<RouteCounts> {
  const total: RouteCounts = {};
  for (const url of apiUrls) {
    const res = await request(`${url}/metrics`);
    const counts = parseRequestCounts(await res.body.text());
    for (const [key, n] of Object.entries(counts)) {
      if (key.endsWith(' /metrics')) continue;
      total[key] = (total[key] ?? 0) + n;
    }
  }
  return total;
}

export function difference(after: RouteCounts, before: RouteCounts): RouteCounts {
  const diff: RouteCounts = {};
  for (const [key, n] of Object.entries(after)) {
    const d = n - (before[key] ?? 0);
    if (d !== 0) diff[key] = d;
  }
  return diff;
}

/** One unlabelled counter summed over the instances (e.g. bazaar_redis_wait_short_total). */
export async function scrapeCounter(apiUrls: string[], name: string): Promise<number> {
  let total = 0;
  const line = new RegExp(`^${name} (\\d+(?:\\.\\d+)?)$`, 'm');
  for (const url of apiUrls) {
    const res = await request(`${url}/metrics`);
    total += Number(line.exec(await res.body.text())?.[1] ?? 0);
  }
  return total;
}
