import type { Dirent } from 'node:fs';
import { open, readdir, readFile, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/*
 * On disk:
 *   <dir>/HEAD.json                       the newest sealed segment (the chain head)
 *   <dir>/YYYY-MM-DD/NNNN.ndjson.gz       segment: multi-member gzip of NDJSON lines
 *   <dir>/YYYY-MM-DD/NNNN.manifest.json   written when the segment is sealed
 *   <dir>/YYYY-MM-DD/NNNN.deleted.json    written when retention deletes the segment file
 * Segments are created in (day, number) order and sealed in that same order, so file order is
 * chain order; the one unsealed segment, if any, is the newest.
 */

export const HEAD_FILE = 'HEAD.json';
const DAY_DIR = /^\d{4}-\d{2}-\d{2}$/;
const SEGMENT_FILE = /^(\d{4,})\.(ndjson\.gz|manifest\.json|deleted\.json)$/;

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export const DAY_MS = 86_400_000;

/** The start of the UTC day `ms` falls in, in milliseconds (also before 1970). */
export function utcDayStart(ms: number): number {
  return ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
}

/**
 * The first day retention keeps: `retentionDays` whole UTC days before today's. Every record of
 * an earlier day is older than `retentionDays` days.
 */
export function retentionCutoffDay(nowMs: number, retentionDays: number): string {
  return utcDay(utcDayStart(nowMs) - retentionDays * DAY_MS);
}

export function segmentName(n: number): string {
  return String(n).padStart(4, '0');
}

export interface SegmentFiles {
  day: string;
  /** the number part of the file names as written, e.g. `0003` */
  name: string;
  n: number;
  /** `YYYY-MM-DD/NNNN` */
  id: string;
  hasData: boolean;
  hasManifest: boolean;
  hasTombstone: boolean;
}

export function dataPath(dir: string, day: string, name: string): string {
  return join(dir, day, `${name}.ndjson.gz`);
}
export function manifestPath(dir: string, day: string, name: string): string {
  return join(dir, day, `${name}.manifest.json`);
}
export function tombstonePath(dir: string, day: string, name: string): string {
  return join(dir, day, `${name}.deleted.json`);
}

export function compareSegments(a: { day: string; n: number }, b: { day: string; n: number }) {
  if (a.day !== b.day) return a.day < b.day ? -1 : 1;
  return a.n - b.n;
}

async function listDir(path: string): Promise<Dirent[]> {
  try {
    return await readdir(path, { withFileTypes: true });
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

/** Every segment that has any of its files, in chain order. */
export async function scanSegments(dir: string): Promise<SegmentFiles[]> {
  const found = new Map<string, SegmentFiles>();
  const days = (await listDir(dir)).filter((d) => d.isDirectory() && DAY_DIR.test(d.name));
  for (const dayDir of days) {
    for (const file of await listDir(join(dir, dayDir.name))) {
      const m = SEGMENT_FILE.exec(file.name);
      if (m === null || !file.isFile()) continue;
      const name = m[1]!;
      const id = `${dayDir.name}/${name}`;
      let entry = found.get(id);
      if (entry === undefined) {
        entry = {
          day: dayDir.name,
          name,
          n: Number(name),
          id,
          hasData: false,
          hasManifest: false,
          hasTombstone: false,
        };
        found.set(id, entry);
      }
      if (m[2] === 'ndjson.gz') entry.hasData = true;
      else if (m[2] === 'manifest.json') entry.hasManifest = true;
      else entry.hasTombstone = true;
    }
  }
  return [...found.values()].sort(
    (a, b) => compareSegments(a, b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

export function isNotFound(err: unknown): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === 'ENOENT';
}

/** Parses a small JSON file; returns the reason as a string when it cannot. */
export async function readJsonFile(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8');
  return JSON.parse(text) as unknown;
}

export async function fileSize(path: string): Promise<number> {
  return (await stat(path)).size;
}

/** Makes a directory entry change (create, rename, unlink) survive a power loss. */
export async function syncDir(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Replaces a file so that after a crash it holds either the old or the new content, whole. */
export async function writeFileDurable(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  await syncDir(dirname(path));
}
