import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** What an acknowledge link carries: the alert group, who it was sent to, until when it works. */
export interface AckClaim {
  /** Group key. */
  g: string;
  /** Name shown as the acknowledger: the tier the link was sent to (e.g. `L2 technicians`). */
  n: string;
  /** Expiry, epoch seconds. */
  e: number;
}

export type AckVerdict = { ok: true; claim: AckClaim } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

const KEY_FILE = 'alert-ack.key';

/** The collector's link-signing key: 32 random bytes in the data dir, made on first start. */
export function loadAckKey(dataDir: string): Buffer {
  const file = path.join(dataDir, KEY_FILE);
  try {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length >= 32) return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = randomBytes(32);
  // `wx`: two processes starting at once never overwrite each other's key.
  try {
    writeFileSync(file, key.toString('base64'), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadAckKey(dataDir);
    throw err;
  }
  return key;
}

const mac = (key: Buffer, payload: string) => createHmac('sha256', key).update(`siaga-ack.${payload}`).digest();

/** `base64url(json).base64url(hmac-sha256)`: readable by nobody but verifiable only with the key. */
export function signAck(key: Buffer, claim: AckClaim): string {
  const payload = Buffer.from(JSON.stringify(claim)).toString('base64url');
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

export function verifyAck(key: Buffer, token: string, nowMs: number): AckVerdict {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return { ok: false, reason: 'malformed' };
  // Compared as text: the base64url decoder ignores stray characters and unused low bits, so
  // comparing decoded bytes would take other spellings of a valid signature.
  const given = Buffer.from(signature);
  const expected = Buffer.from(mac(key, payload).toString('base64url'));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  let claim: AckClaim;
  try {
    claim = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as AckClaim;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof claim.g !== 'string' || typeof claim.n !== 'string' || typeof claim.e !== 'number') return { ok: false, reason: 'malformed' };
  if (claim.e * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, claim };
}
