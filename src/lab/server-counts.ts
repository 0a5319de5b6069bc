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

/** Each API instance's `/metrics` text, fetched once so that several figures can be read from it. */
export function fetchMetrics(apiUrls: string[]): Promise<string[]> {
  return Promise.all(apiUrls.map(async (url) => (await request(`${url}/metrics`)).body.text()));
}

/** The sum over instances. Scraping `/metrics` counts itself: those requests are left out. */
export function requestCounts(metricsTexts: string[]): RouteCounts {
  const total: RouteCounts = {};
  for (const text of metricsTexts) {
    for (const [key, n] of Object.entries(parseRequestCounts(text))) {
      if (key.endsWith(' /metrics')) continue;
      total[key] = (total[key] ?? 0) + n;
    }
  }
  return total;
}

export async function scrapeRequestCounts(apiUrls: string[]): Promise<RouteCounts> {
  return requestCounts(await fetchMetrics(apiUrls));
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
export function counterTotal(metricsTexts: string[], name: string): number {
  const line = new RegExp(`^${name} (\\d+(?:\\.\\d+)?)$`, 'm');
  return metricsTexts.reduce((total, text) => total + Number(line.exec(text)?.[1] ?? 0), 0);
}
