import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type * as argon2Module from 'argon2';

/** Password hashing behind one interface; verification picks the scheme from the stored hash. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(stored: string, password: string): Promise<boolean>;
}

function scrypt(
  password: string,
  salt: Buffer,
  keylen: number,
  options: ScryptOptions,
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** Fallback where the argon2 addon cannot load: `$scrypt$N=…,r=…,p=…$salt$hash` (base64). */
export class ScryptHasher implements PasswordHasher {
  constructor(private readonly params = { N: 1 << 15, r: 8, p: 1 }) {}

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const { N, r, p } = this.params;
    const key = await scrypt(password, salt, 32, { N, r, p, maxmem: 256 * N * r });
    return `$scrypt$N=${N},r=${r},p=${p}$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  async verify(stored: string, password: string): Promise<boolean> {
    const m = /^\$scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([^$]+)\$([^$]+)$/.exec(stored);
    if (!m) return false;
    const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const expected = Buffer.from(m[5]!, 'base64');
    const key = await scrypt(password, Buffer.from(m[4]!, 'base64'), expected.length, {
      N,
      r,
      p,
      maxmem: 256 * N * r,
    });
    return key.length === expected.length && timingSafeEqual(key, expected);
  }
}

type Argon2 = typeof argon2Module;

/** Argon2id (OWASP's first choice); hashes from the scrypt fallback still verify. */
export class Argon2Hasher implements PasswordHasher {
  readonly #fallback = new ScryptHasher();
  constructor(private readonly argon2: Argon2) {}

  hash(password: string): Promise<string> {
    return this.argon2.hash(password, { type: this.argon2.argon2id });
  }

  async verify(stored: string, password: string): Promise<boolean> {
    if (stored.startsWith('$scrypt$')) return this.#fallback.verify(stored, password);
    try {
      return await this.argon2.verify(stored, password);
    } catch {
      return false;
    }
  }
}

/** Argon2id when its native addon loads on this machine, scrypt otherwise. */
export async function createPasswordHasher(): Promise<PasswordHasher> {
  try {
    return new Argon2Hasher(await import('argon2'));
  } catch {
    return new ScryptHasher();
  }
}

/** A password people can type but nobody can guess: 20 characters of base64url (120 bits). */
export function randomPassword(): string {
  return randomBytes(15).toString('base64url');
}
