import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../store/db.js';
import { type Matcher, matchesAll, matcherSchema } from './matchers.js';

const instant = z.union([z.number().int().min(0), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))]);

/** `POST /v1/silences`: matchers on alert labels, a time window, who and why. */
export const newSilenceSchema = z
  .object({
    matchers: z.array(matcherSchema).min(1).max(20),
    /** Epoch ms or RFC 3339; now when omitted. */
    startsAt: instant.optional(),
    endsAt: instant.optional(),
    /** Instead of endsAt: seconds from startsAt. */
    durationSec: z.number().int().min(1).max(366 * 86_400).optional(),
    createdBy: z.string().min(1).max(128),
    comment: z.string().min(1).max(1000),
  })
  .strict()
  .refine((s) => (s.endsAt === undefined) !== (s.durationSec === undefined), { message: 'give endsAt or durationSec (one of them)', path: ['endsAt'] });

export type NewSilence = z.infer<typeof newSilenceSchema>;

export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
  createdAt: number;
  /** Set when expired early (DELETE). */
  expiredAt: number | null;
}

export type SilenceStatus = 'pending' | 'active' | 'expired';

export const silenceStatus = (s: Silence, now: number): SilenceStatus => (s.endsAt <= now ? 'expired' : s.startsAt > now ? 'pending' : 'active');

interface Row {
  id: string;
  matchers_json: string;
  starts_at: number;
  ends_at: number;
  created_by: string;
  comment: string;
  created_at: number;
  expired_at: number | null;
}

const toSilence = (r: Row): Silence => ({
  id: r.id,
  matchers: JSON.parse(r.matchers_json) as Matcher[],
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  createdBy: r.created_by,
  comment: r.comment,
  createdAt: r.created_at,
  expiredAt: r.expired_at,
});

/** Silences, kept in SQLite and cached: every alert evaluation asks whether one applies. */
export class SilenceStore {
  private cache: Silence[] | undefined;

  constructor(private readonly db: Db) {}

  create(input: NewSilence, now: number): Silence {
    const startsAt = input.startsAt ?? now;
    const endsAt = input.endsAt ?? startsAt + (input.durationSec as number) * 1000;
    const silence: Silence = { id: `sil_${randomUUID()}`, matchers: input.matchers, startsAt, endsAt, createdBy: input.createdBy, comment: input.comment, createdAt: now, expiredAt: null };
    this.db
      .prepare('INSERT INTO silences (id, matchers_json, starts_at, ends_at, created_by, comment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(silence.id, JSON.stringify(silence.matchers), startsAt, endsAt, silence.createdBy, silence.comment, now);
    this.cache = undefined;
    return silence;
  }

  /** Ends a silence now; false when there is none with that id or it already ended. */
  expire(id: string, now: number): boolean {
    const changed = this.db.prepare('UPDATE silences SET ends_at = ?, expired_at = ? WHERE id = ? AND ends_at > ?').run(now, now, id, now).changes;
    this.cache = undefined;
    return changed > 0;
  }

  get(id: string): Silence | undefined {
    const row = this.db.prepare<[string], Row>('SELECT * FROM silences WHERE id = ?').get(id);
    return row ? toSilence(row) : undefined;
  }

  /** Newest first; expired ones only from the last `keepExpiredMs`. */
  list(now: number, keepExpiredMs = 7 * 86_400_000): Silence[] {
    return this.db
      .prepare<[number], Row>('SELECT * FROM silences WHERE ends_at > ? ORDER BY created_at DESC')
      .all(now - keepExpiredMs)
      .map(toSilence);
  }

  /** The active silence whose matchers all match `labels`, if any. */
  silencing(labels: Readonly<Record<string, string>>, now: number): Silence | undefined {
    this.cache ??= this.db.prepare<[number], Row>('SELECT * FROM silences WHERE ends_at > ?').all(now).map(toSilence);
    return this.cache.find((s) => silenceStatus(s, now) === 'active' && matchesAll(s.matchers, labels));
  }
}
