import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './passwords.js';

describe('password hashing (scrypt)', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash, so one password never hashes the same twice', async () => {
    const [a, b] = await Promise.all([hashPassword('same password 123'), hashPassword('same password 123')]);
    expect(a).not.toBe(b);
    expect(a.split('$')[4]).not.toBe(b.split('$')[4]);
  });

  it('treats malformed stored hashes as a mismatch, never as a match or a crash', async () => {
    for (const stored of ['', 'plain', 'scrypt$1$1$1', 'bcrypt$2$3$4$c2FsdA==$aGFzaA==', 'scrypt$x$8$1$c2FsdA==$aGFzaA==', 'scrypt$16384$8$1$c2FsdA==$aGFzaA==$extra']) {
      expect(await verifyPassword('anything', stored)).toBe(false);
    }
  });

  it('normalises Unicode, so the same password typed on another keyboard layout still matches', async () => {
    const stored = await hashPassword('Caf\u00e9-Passwort-1');
    expect(await verifyPassword('Cafe\u0301-Passwort-1', stored)).toBe(true);
  });
});
