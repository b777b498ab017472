import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { ErrorCode, SiagaError } from '@siaga/shared';
import type { Db } from './db.js';

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Compares two hex digests in constant time. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Two at once is enough to rotate: create the new one, roll it out, revoke the old one. */
export const MAX_ACTIVE_SECRETS = 2;

export interface SecretInfo {
  id: string;
  createdAt: number;
  revokedAt: number | null;
}

/** Enroll secrets managed with `siaga-collector secrets`; only their hashes are stored. */
export class SecretStore {
  constructor(private readonly db: Db) {}

  /**
   * Creates a secret and returns it (the only time it is visible). Refuses a third active one;
   * `configured` counts the secrets from the config file, which are active too.
   */
  create(now = Date.now(), configured = 0): { id: string; secret: string } {
    return this.db.transaction(() => {
      const active = this.activeHashes().length + configured;
      if (active >= MAX_ACTIVE_SECRETS) {
        const where = configured > 0 ? ` (${configured} of them in the config file's enroll.secrets)` : '';
        throw new SiagaError(
          ErrorCode.tooManySecrets,
          `${active} enroll secrets are active${where}; at most ${MAX_ACTIVE_SECRETS} may be: revoke one first (siaga-collector secrets list / secrets revoke <id>)`,
        );
      }
      const secret = randomBytes(24).toString('base64url');
      const id = randomUUID().slice(0, 8);
      this.db.prepare('INSERT INTO enroll_secrets (id, secret_hash, created_at) VALUES (?, ?, ?)').run(id, sha256(secret), now);
      return { id, secret };
    }).immediate();
  }

  list(): SecretInfo[] {
    return this.db
      .prepare<[], { id: string; created_at: number; revoked_at: number | null }>('SELECT id, created_at, revoked_at FROM enroll_secrets ORDER BY created_at')
      .all()
      .map((r) => ({ id: r.id, createdAt: r.created_at, revokedAt: r.revoked_at }));
  }

  revoke(id: string, now = Date.now()): boolean {
    return this.db.prepare('UPDATE enroll_secrets SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id).changes > 0;
  }

  activeHashes(): string[] {
    return this.db.prepare<[], { secret_hash: string }>('SELECT secret_hash FROM enroll_secrets WHERE revoked_at IS NULL').all().map((r) => r.secret_hash);
  }
}
