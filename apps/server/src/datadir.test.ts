import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirError, InstanceLock, prepareDataDir } from './datadir.js';

const root = mkdtempSync(join(tmpdir(), 'prahari-datadir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('data directory', () => {
  it('is created on first start, readable by this account only', () => {
    const { path, created } = prepareDataDir(join(root, 'new', 'data'));
    expect(created).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o700);
    expect(prepareDataDir(path).created).toBe(false);
  });

  it('says clearly when it cannot be used', () => {
    writeFileSync(join(root, 'a-file'), '');
    expect(() => prepareDataDir(join(root, 'a-file'))).toThrow(/is a file, not a folder/);
    expect(() => prepareDataDir(join(root, 'a-file', 'data'))).toThrow(
      new DataDirError(
        `The data directory ${join(root, 'a-file', 'data')} cannot be created (ENOTDIR). Give the account running Prahari write access, or set dataDir (PRAHARI_DATA_DIR) to a folder it owns.`,
      ),
    );
  });

  it('refuses a second server while the first is alive, and takes over a lock left by a dead one', async () => {
    const dir = prepareDataDir(join(root, 'locked')).path;
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(join(dir, 'prahari.lock'), String(other.pid));
      expect(() => InstanceLock.acquire(dir)).toThrow(
        `Another Prahari server (pid ${other.pid}) is already running on the data directory ${dir}`,
      );
      expect(InstanceLock.holder(dir)).toBe(other.pid);
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.on('exit', r));
    }
    expect(InstanceLock.holder(dir)).toBeNull();
    const lock = InstanceLock.acquire(dir);
    expect(readFileSync(join(dir, 'prahari.lock'), 'utf8')).toBe(String(process.pid));
    lock.release();
    expect(existsSync(join(dir, 'prahari.lock'))).toBe(false);
  });
});
