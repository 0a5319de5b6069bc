/**
 * The environment a helper program (apt-get, mvn, pcp tools) runs with: this process's own, plus
 * `extra`. Servers and application processes get an explicit environment instead (cluster
 * settings), so nothing of the caller's leaks into them unasked.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}
