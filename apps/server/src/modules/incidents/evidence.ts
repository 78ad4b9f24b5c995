/**
 * Evidence files on disk, content-addressed by SHA-256 under `<dataDir>/evidence/<2 hex>/<hash>`:
 * the name of a file is the proof of what it held, the same bytes uploaded twice are kept once,
 * and a file whose bytes no longer give its name has been changed.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PrahariError } from '@prahari/core';

export class EvidenceTooLargeError extends PrahariError {
  constructor(maxBytes: number) {
    super(
      413,
      'payload_too_large',
      `The evidence file is larger than this server accepts (${maxBytes} bytes, incidents.evidenceMaxBytes). Compress it or split it, or raise the setting.`,
      { maxBytes },
    );
  }
}

export interface StoredFile {
  sha256: string;
  size: number;
  /** relative to the data directory */
  storedPath: string;
}

export class EvidenceFiles {
  constructor(private readonly dataDir: string) {}

  #path(relative: string): string {
    return join(this.dataDir, relative);
  }

  /**
   * Streams an upload to a temporary file while hashing and counting it, then moves it to its
   * content address. Refuses (and keeps nothing) beyond `maxBytes`.
   */
  async store(body: Readable, maxBytes: number): Promise<StoredFile> {
    const tmpDir = this.#path(join('evidence', 'incoming'));
    await mkdir(tmpDir, { recursive: true, mode: 0o700 });
    const tmp = join(tmpDir, randomUUID());
    const hash = createHash('sha256');
    let size = 0;
    try {
      await pipeline(
        body,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            size += chunk.length;
            if (size > maxBytes) throw new EvidenceTooLargeError(maxBytes);
            hash.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(tmp, { mode: 0o600 }),
      );
      const sha256 = hash.digest('hex');
      const storedPath = join('evidence', sha256.slice(0, 2), sha256);
      await mkdir(this.#path(join('evidence', sha256.slice(0, 2))), {
        recursive: true,
        mode: 0o700,
      });
      // The same bytes stored before are kept once; a copy that was changed on disk since is
      // replaced by these bytes, which are the ones its name stands for.
      if ((await this.sha256(storedPath)) === sha256) await rm(tmp);
      else {
        await rename(tmp, this.#path(storedPath));
        // read-only: evidence is never edited in place
        await chmod(this.#path(storedPath), 0o400);
      }
      return { sha256, size, storedPath };
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /** The SHA-256 of a stored file as it is now; null when it is missing. */
  async sha256(storedPath: string): Promise<string | null> {
    const hash = createHash('sha256');
    try {
      await pipeline(createReadStream(this.#path(storedPath)), hash);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    return hash.digest('hex');
  }

  /**
   * Opens a stored file for reading after hashing it through the same open file, so what is
   * served is what was hashed even if the path is swapped for another file meanwhile. `stream` is
   * null when the file is missing; the caller decides whether to serve it by `sha256`.
   */
  async openHashed(
    storedPath: string,
  ): Promise<{ sha256: string; size: number; stream: Readable } | null> {
    let handle: FileHandle;
    try {
      handle = await open(this.#path(storedPath), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    try {
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of handle.createReadStream({ start: 0, autoClose: false })) {
        size += (chunk as Buffer).length;
        hash.update(chunk as Buffer);
      }
      return { sha256: hash.digest('hex'), size, stream: handle.createReadStream({ start: 0 }) };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }
}
