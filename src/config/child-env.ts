/**
 * The environment a helper program (apt-get, mvn, pcp tools) runs with: this process's own, plus
 * `extra`. Servers and application processes get an explicit environment instead (cluster
 * settings), so nothing of the caller's leaks into them unasked.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}

/**
 * The environment of a server the launcher starts with settings of its own (an exporter, the alert
 * receiver): PATH and HOME so that it runs, plus `extra`; nothing else of the caller's shell.
 */
export function serverEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...extra };
}

/** The entries of `env` that this process's own environment lacks or holds otherwise. */
export function addedToOwnEnv(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([k, v]) => process.env[k] !== v));
}
