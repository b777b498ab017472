import type { CheckRule } from '@siaga/shared';
import type { z } from 'zod';

/** What one check definition turns into: rules the agent evaluates and probe settings it needs. */
export interface CompiledCheck {
  rules: CheckRule[];
  /** Probe name → settings merged into that probe's configuration. */
  probes: Record<string, Record<string, unknown>>;
  /** Rules the collector judges itself, from the host's inventory. */
  inventory?: InventoryRule[];
}

export interface InventoryRule {
  kind: 'required' | 'forbidden';
  /** Matched case-insensitively against installed software names; `*` matches any text. */
  name: string;
  minVersion?: string;
  severity: 'warn' | 'fail';
}

/**
 * A kind of readiness check as operators write it in the policy (`checks.disk`), compiled into
 * generic agent rules. A new kind of check is a new file plus one line in `index.ts`.
 */
export interface CheckKind<D = unknown> {
  /** The key under `checks:` in the policy file. */
  readonly key: string;
  readonly summary: string;
  /** Every field optional and without defaults, so later policies can refine earlier ones. */
  readonly schema: z.ZodType<D>;
  compile(def: D): CompiledCheck;
}
