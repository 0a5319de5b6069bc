import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchResults } from './bench-results.js';
import { toCsv } from './bench-results.js';
import { benchCharts } from './charts.js';
import { reportHtml, type RenderedChart } from './html.js';
import { renderPng, renderSvg } from './render.js';

/** Writes results.json, results.csv, charts/*.svg|png and index.html into `dir`. */
export async function writeReport(dir: string, results: BenchResults): Promise<RenderedChart[]> {
  await mkdir(join(dir, 'charts'), { recursive: true });
  await writeFile(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(join(dir, 'results.csv'), toCsv(results));
  const rendered: RenderedChart[] = [];
  for (const chart of benchCharts(results)) {
    const svg = await renderSvg(chart.spec);
    await writeFile(join(dir, 'charts', `${chart.name}.svg`), svg);
    await writeFile(join(dir, 'charts', `${chart.name}.png`), renderPng(svg));
    rendered.push({ name: chart.name, title: chart.title, caption: chart.caption, svg });
  }
  await writeFile(join(dir, 'index.html'), reportHtml(results, rendered));
  return rendered;
}
