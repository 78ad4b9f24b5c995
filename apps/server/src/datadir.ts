import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join, resolve } from 'node:path';

/** Prahari cannot start for a reason the operator can fix; the message says how. */
export class StartupError extends Error {
  override name = 'StartupError';
}

export class DataDirError extends StartupError {
  override name = 'DataDirError';
}

/**
 * Creates the data folder on first start, readable by this account only (it holds the database,
 * the raw archive and keys), and fails with a clear message when it cannot be written.
 */
export function prepareDataDir(path: string): { path: string; created: boolean } {
  const dir = resolve(path);
  const created = !existsSync(dir);
  try {
    if (created) mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!statSync(dir).isDirectory())
      throw new DataDirError(
        `The data directory ${dir} is a file, not a folder. Set dataDir to a folder.`,
      );
    accessSync(dir, constants.W_OK | constants.R_OK);
  } catch (err) {
    if (err instanceof DataDirError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw new DataDirError(
      `The data directory ${dir} cannot be ${created ? 'created' : 'written'} (${code}). Give the account running Prahari write access, or set dataDir (PRAHARI_DATA_DIR) to a folder it owns.`,
    );
  }
  return { path: dir, created };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One server per data directory: two would both accept logs and write one archive. The lock file
 * holds the owner's pid; a lock left by a crashed process (pid gone) is taken over.
 */
export class InstanceLock {
  private constructor(private readonly file: string) {}

  static acquire(dataDir: string): InstanceLock {
    const file = join(dataDir, 'prahari.lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(file, 'wx', 0o600);
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return new InstanceLock(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const pid = Number(readFileSync(file, 'utf8').trim());
        if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
          throw new DataDirError(
            `Another Prahari server (pid ${pid}) is already running on the data directory ${dataDir}. Stop it first, or use another dataDir.`,
          );
        }
        rmSync(file, { force: true });
      }
    }
    throw new DataDirError(
      `Could not take the lock ${file}; remove it if no Prahari server is running.`,
    );
  }

  /** The pid of a live server holding the data directory, or null. */
  static holder(dataDir: string): number | null {
    try {
      const pid = Number(readFileSync(join(dataDir, 'prahari.lock'), 'utf8').trim());
      return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : null;
    } catch {
      return null;
    }
  }

  release(): void {
    rmSync(this.file, { force: true });
  }
}
