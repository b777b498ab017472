import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAckKey, signAck, verifyAck } from './ack-token.js';

const key = randomBytes(32);
const claim = { g: 'site=hq/rule=host_offline', n: 'L2 technicians', e: 2_000_000 };

describe('acknowledge link tokens', () => {
  it('verify with the key that signed them, until they expire', () => {
    const token = signAck(key, claim);
    expect(verifyAck(key, token, 1_999_999_999)).toEqual({ ok: true, claim });
    expect(verifyAck(key, token, 2_000_000_000)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyAck(randomBytes(32), token, 0)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuse a tampered claim or a malformed token', () => {
    const [, sig] = signAck(key, claim).split('.');
    const forged = Buffer.from(JSON.stringify({ ...claim, g: 'site=branch/rule=host_offline' })).toString('base64url');
    expect(verifyAck(key, `${forged}.${sig}`, 0)).toEqual({ ok: false, reason: 'bad_signature' });
    // Other spellings of the right signature: a changed unused low bit in the last character, a stray character.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(sig!.at(-1)!) ^ 1];
    expect(Buffer.from(`${sig!.slice(0, -1)}${sibling}`, 'base64url').equals(Buffer.from(sig!, 'base64url'))).toBe(true);
    const payload = signAck(key, claim).split('.')[0];
    expect(verifyAck(key, `${payload}.${sig!.slice(0, -1)}${sibling}`, 0)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyAck(key, `${payload}.${sig}!`, 0)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyAck(key, 'nodot', 0)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyAck(key, 'a.b.c', 0)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('keep the key in the data dir (owner-only) across restarts', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'siaga-ackkey-'));
    try {
      const first = loadAckKey(dir);
      expect(first).toHaveLength(32);
      expect(loadAckKey(dir).equals(first)).toBe(true);
      expect(statSync(path.join(dir, 'alert-ack.key')).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
