import { HistoryCheck, type HistoryResult } from '../../lab/history/history-check.js';
import type { Cluster } from '../cluster.js';
import { faultFigures, type FaultFigures } from './figures.js';
import { runNemesis, type NemesisOptions } from './nemesis.js';

export interface DrillOptions extends NemesisOptions {
  /** Runs the history checker's traffic beside the faults and checks it afterwards. */
  check: boolean;
  adminEmail: string;
}

export interface DrillReport {
  seed: number;
  durationS: number;
  faults: FaultFigures[];
  history?: HistoryResult;
  /** Every broken promise and every fault the cluster did not recover from: empty is a pass. */
  anomalies: string[];
}

/**
 * The nemesis with the history checker beside it: faults under traffic, then a write that must
 * succeed after the last fault, every component up, `verify` agreeing, and the history's rules.
 */
export async function runDrill(cluster: Cluster, o: DrillOptions): Promise<DrillReport> {
  const started = Date.now();
  const history = o.check
    ? await HistoryCheck.prepare({
        entrypoints: (await cluster.status()).entrypoints,
        adminEmail: o.adminEmail,
        adminPassword: cluster.adminPassword,
      })
    : undefined;
  history?.start();
  const outcome = await runNemesis(cluster, o).then(
    (applied) => ({ applied }),
    (error: unknown) => ({ error }),
  );
  // Stopped whatever happened: a refused nemesis must not leave the traffic running.
  const reports = await history?.stop();
  if ('error' in outcome) throw outcome.error;
  const { applied } = outcome;
  const anomalies: string[] = [];
  for (const f of applied) if (f.error) anomalies.push(`${f.fault} ${f.victim}: ${f.error}`);
  const lastWrite = await history?.writeSucceeds();
  if (lastWrite) anomalies.push(lastWrite);
  const down = (await cluster.status()).components.filter((c) => c.state !== 'up').map((c) => c.name);
  if (down.length > 0) anomalies.push(`down after the faults: ${down.join(', ')}`);
  const verified = await cluster.verify();
  anomalies.push(...verified.differences.map((d) => `verify: ${d}`));
  const result = reports && (await history!.check(reports));
  anomalies.push(...(result?.anomalies ?? []));
  return {
    seed: o.seed,
    durationS: Math.round((Date.now() - started) / 1000),
    faults: applied.map((f) => faultFigures(f, history?.log.records ?? [])),
    ...(result ? { history: result } : {}),
    anomalies,
  };
}
