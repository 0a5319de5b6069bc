import { homedir } from 'node:os';
import { join } from 'node:path';

/** What `bazaar cluster` and `bazaar bench` take from the environment, read once. */
export interface ClusterSettings {
  /** BAZAAR_AUTH_SECRET: the one secret every API instance signs with (generated when unset). */
  readonly authSecret: string | undefined;
  /** BAZAAR_ADMIN_EMAIL / BAZAAR_ADMIN_PASSWORD: the admin every API instance ensures. */
  readonly adminEmail: string;
  readonly adminPassword: string | undefined;
  /**
   * The caller's BAZAAR_* settings (order TTL, body limit...) passed on to every API instance, as
   * docs/cli.md says, with PATH and HOME so that they run.
   */
  readonly passedEnv: Readonly<Record<string, string>>;
  /** LOG_LEVEL of the API instances and the seeder (default info: a line per traced request, in their log files). */
  readonly appLogLevel: string;
  /** Where fetched server software is kept between runs (XDG_CACHE_HOME or ~/.cache). */
  readonly cacheDir: string;
}

/** Reads the cluster's settings from `env`; `overrides` are what a command decides itself. */
export function loadClusterSettings(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<Pick<ClusterSettings, 'adminPassword'>> = {},
): ClusterSettings {
  const value = (name: string) => (env[name] === '' ? undefined : env[name]);
  const passed: Record<string, string> = {};
  for (const [key, v] of Object.entries(env)) {
    if (v !== undefined && (key.startsWith('BAZAAR_') || key === 'PATH' || key === 'HOME')) passed[key] = v;
  }
  const adminPassword = overrides.adminPassword ?? value('BAZAAR_ADMIN_PASSWORD');
  if (adminPassword !== undefined) passed['BAZAAR_ADMIN_PASSWORD'] = adminPassword;
  return Object.freeze({
    authSecret: value('BAZAAR_AUTH_SECRET'),
    adminEmail: value('BAZAAR_ADMIN_EMAIL') ?? 'admin@bazaar.local',
    adminPassword,
    passedEnv: Object.freeze(passed),
    appLogLevel: value('LOG_LEVEL') ?? 'info',
    cacheDir: join(value('XDG_CACHE_HOME') ?? join(homedir(), '.cache'), 'bazaar'),
  });
}
