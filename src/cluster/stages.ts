import { isServerKind, type KindContext, type Stage } from './kind.js';

/**
 * Runs `up` of every stage, each as soon as every stage it depends on is up (a kind with no
 * instances in this topology counts as up at once). A failure lets the stages already running
 * finish, so that `down` then finds every pid, before it is reported.
 */
export async function runStages(stages: readonly Stage[], ctx: KindContext): Promise<void> {
  const running = new Map<string, Promise<void>>();
  const byName = new Map(stages.map((s) => [s.name, s]));
  const launch = (stage: Stage): Promise<void> => {
    let promise = running.get(stage.name);
    if (!promise) {
      promise = (async () => {
        await Promise.all(stage.dependsOn.map((d) => launch(byName.get(d)!)));
        if (isServerKind(stage) && stage.count(ctx.topology) === 0) return;
        await stage.up(ctx);
      })();
      running.set(stage.name, promise);
    }
    return promise;
  };
  const outcomes = await Promise.allSettled(stages.map(launch));
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
}
