import type { AppConfig } from '../config/config.js';
import { createApp, type App } from '../app.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../adapters/postgres/embedded.js';
import type { Logger } from '../platform/logger.js';
import { stateSecret } from './state-files.js';

export interface OpenedApp {
  app: App;
  embedded: EmbeddedDatabase | undefined;
  /** Closes the app, then the embedded PostgreSQL if one was started. */
  close(): Promise<void>;
}

/**
 * The app on its configured database: DATABASE_URL, or the embedded PostgreSQL under `.bazaar/`.
 * The auth secret comes from BAZAAR_AUTH_SECRET or is generated once under the state folder. If
 * the app cannot be built, a PostgreSQL started here is stopped again: nothing is left running.
 */
export async function openApp(config: AppConfig, logger: Logger): Promise<OpenedApp> {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.stateDir, logger);
  try {
    const secret = config.authSecret ?? (await stateSecret(config.stateDir, 'auth-secret')).value;
    const app = await createApp({
      config,
      databaseUrl: config.databaseUrl ?? embedded!.url,
      authSecret: secret,
      logger,
    });
    return {
      app,
      embedded,
      close: async () => {
        await app.close();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop().catch(() => undefined);
    throw error;
  }
}
