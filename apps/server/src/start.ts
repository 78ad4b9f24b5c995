import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { systemClock, type Clock } from '@prahari/core';
import { Store } from '@prahari/store';
import { buildApp } from './app.js';
import type { Config } from './config/index.js';
import { DataDirError, InstanceLock, prepareDataDir } from './datadir.js';
import { createServices, type Services } from './services.js';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  store: Store;
  services: Services;
  /** set on the first start of an empty database */
  initialAdmin: { username: string; password: string; generated: boolean } | null;
  close(): Promise<void>;
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
      path: join(path, 'prahari.db'),
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

/**
 * Starts the server: data directory, instance lock, store and migrations, first admin, HTTP.
 * Nothing else is started before the lock is held, so a second instance fails cleanly.
 */
export async function startServer(
  config: Config,
  options: { clock?: Clock; logger?: boolean | object } = {},
): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  const { path } = prepareDataDir(config.dataDir);
  const lock = InstanceLock.acquire(path);
  let opened: Store | undefined;
  try {
    const store = await openStore(config);
    opened = store;
    const services = await createServices(store, config, clock);
    const initialAdmin = await services.auth.bootstrapAdmin(config.auth.initialAdminPassword);
    const app = await buildApp({
      config,
      store,
      services,
      ...(options.logger !== undefined && { logger: options.logger }),
    });
    await app.listen({ host: config.server.host, port: config.server.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.server.port;
    const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
    const prune = setInterval(
      () => void services.auth.pruneExpiredSessions().catch(() => undefined),
      60 * 60_000,
    );
    prune.unref();
    let closing: Promise<void> | undefined;
    return {
      app,
      url: `http://${host}:${port}`,
      store,
      services,
      initialAdmin,
      close: () =>
        (closing ??= (async () => {
          clearInterval(prune);
          await app.close();
          await store.close();
          lock.release();
        })()),
    };
  } catch (err) {
    await opened?.close();
    lock.release();
    throw err;
  }
}
