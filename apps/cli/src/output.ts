/** Output helpers shared by every command: `--json` for scripts, readable text and progress for people. */

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Fails the command: message on stderr, non-zero exit code. */
export function fail(message: string, exitCode = 1): never {
  process.stderr.write(`prahari: ${message}\n`);
  process.exit(exitCode);
}

/**
 * A progress line on stderr, redrawn in place at most ten times a second; silent when stderr is
 * not a terminal, so piped and `--json` output stays clean.
 */
export class Progress {
  #last = 0;
  readonly #enabled: boolean;
  constructor(
    private readonly label: string,
    private readonly total?: number,
  ) {
    this.#enabled = Boolean(process.stderr.isTTY);
  }

  update(done: number, extra = ''): void {
    if (!this.#enabled) return;
    const now = Date.now();
    if (now - this.#last < 100) return;
    this.#last = now;
    const pct = this.total ? ` ${Math.min(100, Math.floor((done / this.total) * 100))}%` : '';
    const bar = this.total
      ? ` [${'#'.repeat(Math.floor((done / this.total) * 20)).padEnd(20)}]`
      : '';
    process.stderr.write(
      `\r${this.label}${bar}${pct} ${done.toLocaleString('en-IN')}${extra ? ` ${extra}` : ''}   `,
    );
  }

  done(): void {
    if (this.#enabled) process.stderr.write('\n');
  }
}

/** Columns padded to their widest cell, for lists people read in a terminal. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${[line(header), ...rows.map(line)].join('\n')}\n`);
}
