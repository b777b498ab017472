import ipaddr from 'ipaddr.js';
import type { RateSpec } from './limits.js';

/** A token bucket. `take` may drive the level below zero so callers can tell mild from gross excess. */
export class TokenBucket {
  private level: number;
  private at: number;

  constructor(
    private readonly spec: RateSpec,
    now: number,
  ) {
    this.level = spec.burst;
    this.at = now;
  }

  private refill(now: number): void {
    if (now > this.at) this.level = Math.min(this.spec.burst, this.level + ((now - this.at) / 1000) * this.spec.perSecond);
    this.at = now;
  }

  /** Takes `n` tokens when available; returns false (and takes nothing) otherwise. */
  take(now: number, n = 1): boolean {
    this.refill(now);
    if (this.level < n) return false;
    this.level -= n;
    return true;
  }

  /** Takes `n` tokens unconditionally; returns the level afterwards (negative = in debt). */
  charge(now: number, n = 1): number {
    this.refill(now);
    this.level -= n;
    return this.level;
  }

  /** Milliseconds until the level reaches `n` again. */
  waitMs(now: number, n = 1): number {
    this.refill(now);
    return this.level >= n ? 0 : Math.ceil(((n - this.level) / this.spec.perSecond) * 1000);
  }

  /** True when the bucket is full again, i.e. forgetting it changes nothing. */
  full(now: number): boolean {
    this.refill(now);
    return this.level >= this.spec.burst;
  }
}

/** One bucket per key (a source address), with the map bounded so address spraying cannot grow it forever. */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly spec: RateSpec,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  /** `{ ok: true }`, or how long the caller should wait before trying again. */
  take(key: string): { ok: true } | { ok: false; retryAfterMs: number } {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.prune(now);
      bucket = new TokenBucket(this.spec, now);
      this.buckets.set(key, bucket);
    }
    if (bucket.take(now)) return { ok: true };
    return { ok: false, retryAfterMs: Math.max(1, bucket.waitMs(now)) };
  }

  get size(): number {
    return this.buckets.size;
  }

  private prune(now: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.full(now)) this.buckets.delete(key);
    // Still full of active senders: forget the oldest half rather than grow without bound.
    if (this.buckets.size >= this.maxKeys) {
      let drop = Math.ceil(this.buckets.size / 2);
      for (const key of this.buckets.keys()) {
        if (drop-- <= 0) break;
        this.buckets.delete(key);
      }
    }
  }
}

/**
 * The key limits are counted by: the IPv4 address (also when it arrives IPv4-mapped), or the
 * IPv6 /64, since one IPv6 client usually controls a whole /64.
 */
export function sourceKey(address: string | undefined): string {
  if (!address) return 'unknown';
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
}
