import { sleep, type Owner } from '../../platform/processes.js';
import { range } from '../kind.js';
import { componentDir, countOf, type Topology } from '../layout.js';
import { START_REQUEST } from '../postgres-names.js';
import { copyScript } from '../recovery-scripts.js';
import type { PostgresPaths } from '../requirements.js';
import { machineOf } from './machine-of.js';

/**
 * Online recovery of backend i on machines of their own: pgpool-II's recovery (`recovery`, under
 * way) runs its stages on the main node's machine, which cannot write the target's files; they
 * leave requests beside the main node (recovery-scripts.ts) that this loop answers, until the
 * recovery ends: a copy onto the target's machine, reading the main node over the network, and
 * the target's start.
 */
export async function answerRecoveryRequests(
  t: Topology,
  i: number,
  recovery: Promise<unknown>,
  work: { pg: PostgresPaths; owner: Owner | undefined; start(): Promise<void> },
): Promise<void> {
  let finished = false;
  void recovery.then(
    () => (finished = true),
    () => (finished = true),
  );
  const others = range(countOf(t, 'postgres')).filter((m) => m !== i);
  while (!finished) {
    for (const m of others) {
      const machine = machineOf(t, 'postgres', m);
      const dir = componentDir(t, 'postgres', m);
      const request = `${dir}/recovery-${i}.request`;
      const start = `${dir}/${START_REQUEST}-postgres-${i}`;
      // One round trip: each request's text, taken (removed) as it is read.
      const found = await machine
        .run('/bin/sh', [
          '-c',
          `[ -f ${request} ] && { echo "copy $(cat ${request})"; rm -f ${request}; }; [ -f ${start} ] && { echo start; rm -f ${start}; }; true`,
        ])
        .catch(() => '');
      for (const line of found.split('\n').filter(Boolean)) {
        if (line === 'start') await work.start();
        else {
          const status = await copyOntoTarget(t, i, line.split(' ').slice(2), work);
          await machine.writeFile(`${dir}/recovery-${i}.done`, `${status}\n`);
        }
      }
    }
    await sleep(200);
  }
  await recovery;
}

/** Runs the copy on the target's machine with the stage's own arguments; its exit status. */
async function copyOntoTarget(
  t: Topology,
  i: number,
  args: string[],
  work: { pg: PostgresPaths; owner: Owner | undefined },
): Promise<number> {
  const machine = machineOf(t, 'postgres', i);
  try {
    await machine.run('/bin/sh', ['-c', copyScript(t, work.pg, '$7'), 'sh', ...args], {
      ...(work.owner ? { owner: work.owner } : {}),
      timeoutMs: 280_000,
    });
    return 0;
  } catch (error) {
    await machine
      .appendFile(
        `${componentDir(t, 'postgres', i)}/postgres.log`,
        `recovery copy failed: ${(error as Error).message}\n`,
      )
      .catch(() => undefined);
    return 1;
  }
}
