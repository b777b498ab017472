import type { ProbeContext } from './types.js';

/** Facts that rarely change (which adapters are wireless, adapter names) are re-read this often. */
export const SLOW_REFRESH_MS = 5 * 60_000;

interface Held<T> {
  key: string;
  at: number;
  value: T;
}

/**
 * Keeps a fact that is expensive to read and rarely changes (which adapters are wireless, an
 * adapter list) in the probe's memo. It is read again when `key` changes (e.g. the default route
 * moved to another interface) or when it is older than `maxAgeMs`.
 */
export async function slowFact<T>(ctx: Pick<ProbeContext, 'memo' | 'now'>, name: string, key: string, maxAgeMs: number, read: () => Promise<T>): Promise<T> {
  const held = ctx.memo.get(name) as Held<T> | undefined;
  if (held && held.key === key && ctx.now() - held.at < maxAgeMs) return held.value;
  const value = await read();
  ctx.memo.set(name, { key, at: ctx.now(), value } satisfies Held<T>);
  return value;
}
