import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { agentFileName, ErrorCode, releaseStatement, SiagaError, type UpdateOffer } from '@siaga/shared';
import type { UpdateConfig } from '../config.js';

const invalid = (field: string, message: string): never => {
  throw new SiagaError(ErrorCode.invalidConfig, `${field}: ${message}`, { path: field });
};

/**
 * An Ed25519 public key from its usual spellings: the raw 32 bytes in base64 (what
 * `siaga-collector release keygen` prints) or a PEM public key.
 */
export function parseReleaseKey(text: string, field = 'update.publicKey'): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject | undefined;
  try {
    if (trimmed.startsWith('-----BEGIN')) key = createPublicKey(trimmed);
    else {
      const raw = Buffer.from(trimmed, 'base64');
      if (raw.length !== 32 || raw.toString('base64') !== trimmed) invalid(field, 'expected the 32-byte Ed25519 public key in base64 (44 characters), as `siaga-collector release keygen` prints it');
      key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
    }
  } catch (err) {
    if (err instanceof SiagaError) throw err;
    invalid(field, `not a public key: ${(err as Error).message}`);
  }
  if (key?.asymmetricKeyType !== 'ed25519') invalid(field, `expected an Ed25519 key, got ${key?.asymmetricKeyType ?? 'none'}`);
  return key as KeyObject;
}

/** The configured release key, or undefined when none is set. */
export function loadReleaseKey(config: UpdateConfig): KeyObject | undefined {
  if (config.publicKey) return parseReleaseKey(config.publicKey);
  if (!config.publicKeyFile) return undefined;
  let text: string;
  try {
    text = readFileSync(config.publicKeyFile, 'utf8');
  } catch (err) {
    return invalid('update.publicKeyFile', `cannot read ${config.publicKeyFile}: ${(err as Error).message}`);
  }
  return parseReleaseKey(text, 'update.publicKeyFile');
}

/** True when the offer's signature is the release key's over this version, executable name and hash. */
export function signatureValid(key: KeyObject, offer: UpdateOffer, sha256: string): boolean {
  try {
    return verify(null, releaseStatement(offer.version, agentFileName(offer.platform), sha256), key, Buffer.from(offer.signature, 'base64'));
  } catch {
    return false;
  }
}
