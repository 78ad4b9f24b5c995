import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, envNameFor, loadConfig } from './load.js';

function dirWith(yaml?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'prahari-config-'));
  if (yaml !== undefined) writeFileSync(join(dir, 'prahari.yaml'), yaml);
  return dir;
}

function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

function issuesOf(fn: () => unknown): ConfigError['issues'] {
  return configErrorOf(fn).issues;
}

describe('configuration', () => {
  it('works with no file at all: every setting has a default', () => {
    const { config, file } = loadConfig({ cwd: dirWith(), env: {} });
    expect(file).toBeNull();
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 7700 });
    expect(config.dataDir).toBe('./data');
    expect(config.auth.maxFailedLogins).toBe(5);
  });

  it('reads prahari.yaml, then PRAHARI_* environment, then flags (later wins)', () => {
    const cwd = dirWith('server:\n  port: 8000\n  host: 0.0.0.0\ndataDir: /srv/prahari\n');
    const { config } = loadConfig({
      cwd,
      env: { PRAHARI_SERVER_PORT: '8100', PRAHARI_AUTH_SECURE_COOKIE: 'always' },
      flags: { 'server.port': 8200 },
    });
    expect(config.server.port).toBe(8200);
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.dataDir).toBe('/srv/prahari');
    expect(config.auth.secureCookie).toBe('always');
  });

  it('names an unknown key in the file and lists the known ones', () => {
    const issues = issuesOf(() => loadConfig({ cwd: dirWith('server:\n  prot: 80\n'), env: {} }));
    expect(issues).toEqual([
      expect.objectContaining({
        key: 'server.prot',
        problem: 'unknown key',
        value: 80,
        allowed: expect.stringContaining('port'),
      }),
    ]);
  });

  it('names a wrong value, shows it and says what is allowed', () => {
    const err = configErrorOf(() =>
      loadConfig({ cwd: dirWith('server:\n  port: 99999\n  logLevel: loud\n'), env: {} }),
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect(err?.message).toContain('server.port');
    expect(err?.message).toContain('99999');
    expect(err?.message).toContain('a whole number from 0 to 65535');
    expect(err?.message).toContain('server.logLevel');
    expect(err?.message).toContain('"fatal", "error"');
  });

  it('refuses a time zone the parsers cannot read, naming the key', () => {
    const err = configErrorOf(() =>
      loadConfig({ cwd: dirWith('ingest:\n  defaultTimezone: India/Pune\n'), env: {} }),
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect(err?.message).toMatch(
      /ingest\.defaultTimezone \(from \S+prahari\.yaml\): unknown time zone; got "India\/Pune"; allowed: an IANA name like Asia\/Kolkata, or an offset like \+05:30/,
    );
    for (const zone of ['Asia/Kolkata', '+05:30', 'IST', 'UTC'])
      expect(
        loadConfig({ cwd: dirWith(`ingest:\n  defaultTimezone: '${zone}'\n`), env: {} }).config
          .ingest.defaultTimezone,
      ).toBe(zone);
  });

  it('rejects a non-numeric environment value and an unknown PRAHARI_ variable', () => {
    const issues = issuesOf(() =>
      loadConfig({
        cwd: dirWith(),
        env: { PRAHARI_SERVER_PORT: 'eighty', PRAHARI_SERVR_PORT: '1' },
      }),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        key: 'PRAHARI_SERVR_PORT',
        problem: 'unknown environment variable',
      }),
    ]);
    const typeIssues = issuesOf(() =>
      loadConfig({ cwd: dirWith(), env: { PRAHARI_SERVER_PORT: 'eighty' } }),
    );
    expect(typeIssues).toEqual([
      expect.objectContaining({
        key: 'server.port',
        origin: 'environment PRAHARI_SERVER_PORT',
        value: 'eighty',
      }),
    ]);
  });

  it('accepts PRAHARI_ADMIN_PASSWORD as the first admin password', () => {
    const { config } = loadConfig({
      cwd: dirWith(),
      env: { PRAHARI_ADMIN_PASSWORD: 'correct horse battery' },
    });
    expect(config.auth.initialAdminPassword).toBe('correct horse battery');
  });

  it('reports broken YAML with its line and a missing explicit file', () => {
    expect(
      issuesOf(() => loadConfig({ cwd: dirWith('server:\n  port: [\n'), env: {} }))[0]?.problem,
    ).toMatch(/not valid YAML at line/);
    expect(
      issuesOf(() => loadConfig({ cwd: dirWith(), env: { PRAHARI_CONFIG: 'nope.yaml' } }))[0]
        ?.problem,
    ).toMatch(/does not exist/);
  });

  it('derives environment names from setting keys', () => {
    expect(envNameFor('server.bodyLimitBytes')).toBe('PRAHARI_SERVER_BODY_LIMIT_BYTES');
    expect(envNameFor('dataDir')).toBe('PRAHARI_DATA_DIR');
  });
});
