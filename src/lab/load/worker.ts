/**
 * One load process. The coordinator configures it, starts every worker at the same instant, and
 * receives a progress tick each second and the worker's histograms at the end.
 */
import * as hdr from 'hdr-histogram-js';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { seededRandom } from '../../seed/random.js';
import { LoadClient } from './load-client.js';
import { runClosed, runOpen, shareOf, type ModelRun } from './models.js';
import { Recorder } from './recorder.js';
import { CustomerLeases, type SessionContext } from './shopaholic.js';
import { Targets } from './targets.js';
import type { FromWorker, ToWorker, WorkerOptions } from './worker-protocol.js';
import { loadWorkerOverStdio } from '../../config/lab-settings.js';

/** IPC when forked by the coordinator; JSON lines on stdin/stdout when started over SSH. */
const overStdio = loadWorkerOverStdio();

const send = (message: FromWorker) => {
  if (overStdio) process.stdout.write(`${JSON.stringify(message)}\n`);
  else process.send!(message);
};
/** Resolves once the message is handed to the channel, so disconnecting after it loses nothing. */
const sendLast = (message: FromWorker) =>
  new Promise<void>((resolve) =>
    overStdio
      ? process.stdout.write(`${JSON.stringify(message)}\n`, () => resolve())
      : process.send!(message, undefined, {}, () => resolve()),
  );
/** The end of the worker: its channel closed (over stdio, the process exits once its output is out). */
const disconnect = () => (overStdio ? process.exit(0) : process.disconnect());

async function run(o: WorkerOptions, startAt: number, stop: { requested: boolean }): Promise<void> {
  const cpuAtStart = process.cpuUsage();
  const wallAtStart = Date.now();
  const warmup = new Recorder();
  const measured = new Recorder();
  const concurrency =
    o.model.type === 'closed'
      ? shareOf(o.model.users, o.worker, o.workers)
      : Math.max(1, shareOf(o.model.max_sessions, o.worker, o.workers));
  const targets = new Targets(o.targets, Math.max(1, concurrency));
  const client = new LoadClient(targets, o.warmupMs > 0 ? warmup : measured);
  const measureAt = startAt + o.warmupMs;
  const endAt = measureAt + o.durationMs;
  const random = seededRandom(o.seed * 7919 + o.worker);
  const customers = new CustomerLeases(o.scenario.customers.count, o.worker, o.workers);
  const isOver = () => stop.requested || Date.now() >= endAt;
  const modelRun: ModelRun = {
    context: (): SessionContext => ({
      client,
      scenario: o.scenario,
      random,
      thinkMs: o.model.think_ms,
      adminPassword: o.adminPassword,
      tag: o.tag,
      customers,
      isOver,
    }),
    measuring: () => Date.now() >= measureAt && !isOver(),
    isOver,
    measured: { started: 0, completed: 0, not_started: 0 },
    active: 0,
  };
  const switchTimer = setTimeout(() => (client.recorder = measured), Math.max(0, measureAt - Date.now()));
  const ticker = setInterval(() => {
    const now = Date.now();
    const w = warmup.totals();
    const m = measured.totals();
    send({
      type: 'tick',
      phase: now < measureAt ? 'warmup' : isOver() ? 'draining' : 'measure',
      requests: w.count + m.count,
      errors: w.errors + m.errors,
      histogram: hdr.encodeIntoCompressedBase64(measured.combined()),
      sessions: modelRun.active,
    });
  }, 1000);
  const wait = startAt - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  try {
    if (o.model.type === 'closed') await runClosed(modelRun, concurrency);
    else await runOpen(modelRun, startAt, endAt, o.model.arrival_per_s, concurrency, o.worker, o.workers);
  } finally {
    clearTimeout(switchTimer);
    clearInterval(ticker);
    await targets.close();
  }
  await sendLast({
    type: 'result',
    warmup: warmup.toWire(),
    measured: measured.toWire(),
    sessions: modelRun.measured,
    usage: usageSince(cpuAtStart, wallAtStart),
  });
}

function usageSince(cpu: NodeJS.CpuUsage, wallAt: number) {
  const used = process.cpuUsage(cpu);
  return {
    cpu_ms: Math.round((used.user + used.system) / 1000),
    wall_ms: Date.now() - wallAt,
    cores: availableParallelism(),
  };
}

let options: WorkerOptions | undefined;
const stop = { requested: false };
const onMessage = (message: ToWorker) => {
  if (message.type === 'configure') {
    options = message.options;
    send({ type: 'ready' });
  } else if (message.type === 'start' && options) {
    run(options, message.at, stop).then(disconnect, (error: unknown) => {
      void sendLast({ type: 'failed', error: (error as Error).stack ?? String(error) }).then(disconnect);
    });
  } else if (message.type === 'stop') {
    stop.requested = true;
  }
};
if (overStdio) {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => line.trim() && onMessage(JSON.parse(line) as ToWorker));
  // The coordinator gone (its SSH session closed): nothing is left to report to.
  lines.on('close', () => (stop.requested = true));
} else process.on('message', onMessage);
// The coordinator's Ctrl-C reaches the whole process group: let the coordinator decide.
process.on('SIGINT', () => undefined);
