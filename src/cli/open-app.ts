import type { AppConfig } from '../config/config.js';
import { createApp, type App } from '../app.js';
import {
  startEmbeddedPostgres,
  stopEmbeddedPostgres,
  type EmbeddedDatabase,
  type EmbeddedOptions,
} from '../adapters/postgres/embedded.js';
import type { Lifecycle } from '../platform/lifecycle.js';
import type { Logger } from '../platform/logger.js';
import { stateSecret } from './state-files.js';

export interface OpenedApp {
  app: App;
  embedded: EmbeddedDatabase | undefined;
  /** Closes the app, then the embedded PostgreSQL if one was started (once, however often called). */
  close(): Promise<void>;
}

/**
 * The app on its configured database: DATABASE_URL, or the embedded PostgreSQL under `.bazaar/`.
 * The auth secret comes from BAZAAR_AUTH_SECRET or is generated once under the state folder.
 * Whatever is started here is stopped when the process ends, however it ends (`lifecycle`): a
 * signal even in the middle of the start, an uncaught error, or an app that cannot be built.
 */
export async function openApp(
  config: AppConfig,
  logger: Logger,
  lifecycle: Lifecycle,
  /** Which command opens the store, and whether it joins a running owner or refuses (`serve`). */
  use: Pick<EmbeddedOptions, 'command' | 'whenOwned'>,
): Promise<OpenedApp> {
  let app: App | undefined;
  let embedded: EmbeddedDatabase | undefined;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await app?.close();
      // By its pid file, so a server whose start was interrupted is stopped too; a server another
      // live process owns is left running.
      if (!config.databaseUrl) await stopEmbeddedPostgres(config.stateDir, logger);
    })());
  lifecycle.onEnd(close);
  try {
    embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.stateDir, logger, use);
    const secret = config.authSecret ?? (await stateSecret(config.stateDir, 'auth-secret')).value;
    app = await createApp({
      config,
      databaseUrl: config.databaseUrl ?? embedded!.url,
      authSecret: secret,
      logger,
    });
    return { app, embedded, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}
