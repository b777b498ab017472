import type { CheckRule, Threshold } from '@siaga/shared';
import { z } from 'zod';
import { durationSec } from '../duration.js';

/** `{ warn: 15, fail: 10 }`: either or both levels. */
export const levels = z
  .object({ warn: z.number().finite().optional(), fail: z.number().finite().optional() })
  .strict()
  .refine((l) => l.warn !== undefined || l.fail !== undefined, { message: 'give warn, fail or both' });
export type Levels = z.infer<typeof levels>;

/** Keys every check accepts. */
export const commonShape = {
  enabled: z.boolean().optional(),
  description: z.string().max(200).optional(),
  /** A failure must last this long before the host counts as not ready. */
  for: durationSec.optional(),
};

export interface Common {
  enabled?: boolean | undefined;
  description?: string | undefined;
  for?: number | undefined;
}

/** Operator-visible name for an item of a list check (`erp`, `outlook`). */
export const itemName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/, 'expected a short name: letters, digits, space, dot, dash or underscore');

type Op = Threshold['op'];

/** Turns "below"/"above" levels into warn/fail thresholds. */
export function thresholds(l: Levels | undefined, op: Op): Pick<CheckRule, 'warn' | 'fail'> {
  const out: Pick<CheckRule, 'warn' | 'fail'> = {};
  if (l?.warn !== undefined) out.warn = { op, value: l.warn };
  if (l?.fail !== undefined) out.fail = { op, value: l.fail };
  return out;
}

/** A rule with the fields every compiled rule shares. */
export function rule(def: Common, base: Omit<CheckRule, 'description' | 'forSec' | 'missing' | 'digits'> & Partial<Pick<CheckRule, 'missing' | 'digits' | 'description'>>): CheckRule {
  return { ...base, description: def.description ?? base.description ?? '', forSec: def.for ?? 0, missing: base.missing ?? 'warn', digits: base.digits ?? 1 };
}
