import { describe, expect, it } from 'vitest';
import { Argon2Hasher, ScryptHasher, createPasswordHasher, randomPassword } from './passwords.js';

describe('password hashing', () => {
  it('uses Argon2id and verifies only the right password', async () => {
    const hasher = await createPasswordHasher();
    expect(hasher).toBeInstanceOf(Argon2Hasher);
    const stored = await hasher.hash('traffic-signal-42!');
    expect(stored).toMatch(/^\$argon2id\$/);
    expect(await hasher.verify(stored, 'traffic-signal-42!')).toBe(true);
    expect(await hasher.verify(stored, 'traffic-signal-43!')).toBe(false);
  });

  it('salts: the same password hashes differently each time', async () => {
    const hasher = await createPasswordHasher();
    expect(await hasher.hash('same')).not.toBe(await hasher.hash('same'));
  });

  it('the scrypt fallback round-trips, and Argon2 verifies its hashes', async () => {
    const scrypt = new ScryptHasher({ N: 1024, r: 8, p: 1 });
    const stored = await scrypt.hash('water-scada');
    expect(stored).toMatch(/^\$scrypt\$N=1024,r=8,p=1\$/);
    expect(await scrypt.verify(stored, 'water-scada')).toBe(true);
    expect(await scrypt.verify(stored, 'water-scad')).toBe(false);
    expect(await (await createPasswordHasher()).verify(stored, 'water-scada')).toBe(true);
  });

  it('a malformed stored hash never verifies and never throws', async () => {
    const hasher = await createPasswordHasher();
    expect(await hasher.verify('not-a-hash', 'x')).toBe(false);
    expect(await hasher.verify('$scrypt$garbage', 'x')).toBe(false);
  });

  it('random passwords are long and distinct', () => {
    const a = randomPassword();
    expect(a).toHaveLength(20);
    expect(a).not.toBe(randomPassword());
  });
});
