import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The built binary, as `npx prahari` runs it. */
export const PRAHARI_BIN = resolve(import.meta.dirname, '../bin/prahari.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `prahari ARGS…` in `cwd` as a person would, with a clean environment plus `env`. */
export function runPrahari(
  cwd: string,
  args: string[],
  options: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): CliResult {
  const res = spawnSync(process.execPath, [PRAHARI_BIN, ...args], {
    cwd,
    encoding: 'utf8',
    input: options.input ?? '',
    env: { PATH: process.env.PATH ?? '', HOME: cwd, ...options.env },
    timeout: options.timeoutMs ?? 60_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

export interface ServeProcess {
  url: string;
  /** the server's process (the binary runs the server in-process) */
  pid: number;
  /** everything the server printed so far */
  output(): string;
  /** SIGTERM, then the exit code */
  stop(): Promise<number | null>;
}

/** Starts `prahari serve` on free ports in `cwd` and waits until it prints where it listens. */
export async function startServe(
  cwd: string,
  env: Record<string, string> = {},
  args: string[] = [],
): Promise<ServeProcess> {
  const { spawn } = await import('node:child_process');
  const child = spawn(
    process.execPath,
    [PRAHARI_BIN, 'serve', '--port', '0', '--log-level', 'warn', ...args],
    {
      cwd,
      env: {
        PATH: process.env.PATH ?? '',
        PRAHARI_INGEST_SYSLOG_TCP_PORT: '0',
        PRAHARI_INGEST_SYSLOG_UDP_PORT: '0',
        ...env,
      },
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', r));
  const deadline = Date.now() + 30_000;
  while (!/running at (http:\/\/\S+)/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`prahari serve did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: /running at (http:\/\/\S+)/.exec(out)![1]!,
    pid: child.pid!,
    output: () => out,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** The README's example city (the CSV block after `<!-- city-example -->`), as a user copies it. */
export function readmeCity(): string {
  const readme = readFileSync(resolve(import.meta.dirname, '../../../README.md'), 'utf8');
  const m = /<!-- city-example -->\s*```csv\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('README has no city example');
  return m[1]!;
}
