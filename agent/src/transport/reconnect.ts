import { CloseCode } from '@siaga/shared';
import type { Backoff } from './backoff.js';

/** Extra random delay after 1012/1013: the whole fleet hits a restarted or overloaded collector at once. */
export const RESTART_SPREAD_MS = 10_000;
/** The longest spread a collector may ask for in its close reason. */
export const MAX_RESTART_SPREAD_MS = 600_000;
/** A twin refused with 4409 waits at least this long: the other copy is alive. */
export const DUPLICATE_MIN_MS = 30_000;

export interface ReconnectContext {
  backoff: Backoff;
  /** Pause after the node key was refused (4401 or HTTP 401). */
  revokedBackoffMs: number;
  random?: () => number;
}

export interface ReconnectPlan {
  delayMs: number;
  /** The node key is no good: forget it and enroll again. */
  reenroll: boolean;
}

/**
 * What to do after the WebSocket closed with `code` (or the upgrade was answered with an HTTP
 * status). `spreadMs`: the spread the collector asked for in its 1012/1013 close reason.
 */
export function planReconnect(code: number, ctx: ReconnectContext, retryAfterMs = 0, spreadMs = RESTART_SPREAD_MS): ReconnectPlan {
  const random = ctx.random ?? Math.random;
  switch (code) {
    case CloseCode.keyInvalid:
    case 401:
      // Long, with a fifth of spread, so a revoked fleet neither floods nor returns in step.
      return { delayMs: Math.round(ctx.revokedBackoffMs * (1 + random() * 0.2)), reenroll: true };
    case CloseCode.duplicateIdentity:
      return { delayMs: Math.max(DUPLICATE_MIN_MS, ctx.backoff.next()), reenroll: false };
    case CloseCode.restarting:
    case CloseCode.tryLater:
      return { delayMs: ctx.backoff.next() + Math.round(random() * Math.min(Math.max(spreadMs, RESTART_SPREAD_MS), MAX_RESTART_SPREAD_MS)), reenroll: false };
    default:
      return { delayMs: Math.max(ctx.backoff.next(), retryAfterMs), reenroll: false };
  }
}
