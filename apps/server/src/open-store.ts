import { join } from 'node:path';
import { Store } from '@prahari/store';
import type { Config } from './config/index.js';
import { DataDirError, prepareDataDir } from './datadir.js';

/** The SQLite database of a data directory. */
export function databaseFile(dataDir: string): string {
  return join(dataDir, 'prahari.db');
}

/**
 * Opens the store in the data directory and applies pending migrations (unless told not to, for
 * `prahari migrate --status`); used by `serve` and by CLI commands.
 */
export async function openStore(
  config: Config,
  options: { migrate?: boolean } = {},
): Promise<Store> {
  const { path } = prepareDataDir(config.dataDir);
  let store: Store;
  try {
    store = Store.open({
      driver: 'sqlite',
      path: databaseFile(path),
      busyTimeoutMs: config.store.busyTimeoutMs,
    });
    if (options.migrate !== false) await store.migrate();
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (/locked|busy/i.test(msg)) {
      throw new DataDirError(
        `The database in ${path} is locked by another process (${msg}). Stop the other Prahari process or wait for it.`,
      );
    }
    throw err;
  }
  return store;
}
