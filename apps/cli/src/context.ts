import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { Principal } from '@prahari/core';
import {
  ConfigError,
  StartupError,
  createServices,
  loadConfig,
  openStore,
  type Config,
  type Services,
} from '@prahari/server/core';
import type { Store } from '@prahari/store';
import { systemClock } from '@prahari/core';
import { fail } from './output.js';

/** Options every command understands, declared once on the program. */
export interface GlobalOptions {
  config?: string;
  dataDir?: string;
  json?: boolean;
}

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

/** Reads the configuration the way the server does; a bad one ends the command with its message. */
export function cliConfig(opts: GlobalOptions, flags: Record<string, unknown> = {}): Config {
  try {
    return loadConfig({
      ...(opts.config !== undefined && { file: opts.config }),
      env: process.env,
      flags: { ...(opts.dataDir !== undefined && { dataDir: opts.dataDir }), ...flags },
    }).config;
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, 2);
    throw err;
  }
}

/**
 * Changes made from the command line are audited as the operating-system account that ran them,
 * because that is the person at the server's console.
 */
export function cliPrincipal(): Principal {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // no passwd entry (containers): keep "unknown"
  }
  return { kind: 'system', id: 'cli', name: `cli:${name}`, role: 'admin' };
}

/** Runs `fn` with the services over the local data directory, closing the store afterwards. */
export async function withServices<T>(
  opts: GlobalOptions,
  fn: (services: Services, store: Store, config: Config) => Promise<T>,
): Promise<T> {
  const config = cliConfig(opts);
  let store: Store;
  try {
    store = await openStore(config);
  } catch (err) {
    if (err instanceof StartupError) fail(err.message);
    throw err;
  }
  try {
    return await fn(await createServices(store, config, systemClock), store, config);
  } finally {
    await store.close();
  }
}

/** Service errors carry a message meant for people: print it and exit non-zero. */
export function reportErrors<A extends unknown[]>(
  action: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (err) {
      if (err instanceof ConfigError) fail(err.message, 2);
      if (err instanceof Error && ('status' in err || err instanceof StartupError))
        fail(err.message);
      throw err;
    }
  };
}

/** Reads a whole line from stdin (for `--password-stdin`). */
export async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}
