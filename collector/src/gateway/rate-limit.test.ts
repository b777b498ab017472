import { describe, expect, it } from 'vitest';
import { KeyedRateLimiter, sourceKey, TokenBucket } from './rate-limit.js';

describe('TokenBucket', () => {
  it('allows a burst, then refills at the rate', () => {
    const b = new TokenBucket({ perSecond: 2, burst: 3 }, 0);
    expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
    expect(b.waitMs(0)).toBe(500);
    expect(b.take(499)).toBe(false);
    expect(b.take(500)).toBe(true);
    // Never more than the burst, however long it rested.
    expect(b.full(1_000_000)).toBe(true);
    expect([b.take(1_000_000, 3), b.take(1_000_000)]).toEqual([true, false]);
  });

  it('charge goes into debt so callers can tell mild from gross excess', () => {
    const b = new TokenBucket({ perSecond: 10, burst: 5 }, 0);
    expect(b.charge(0, 5)).toBe(0);
    expect(b.charge(0, 7)).toBe(-7);
    expect(b.waitMs(0)).toBe(800);
  });
});

describe('KeyedRateLimiter', () => {
  it('limits each key on its own and says when to retry', () => {
    let now = 0;
    const limiter = new KeyedRateLimiter({ perSecond: 1, burst: 2 }, () => now);
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(true);
    const refused = limiter.take('a');
    expect(refused).toEqual({ ok: false, retryAfterMs: 1000 });
    expect(limiter.take('b').ok).toBe(true);
    now = 1000;
    expect(limiter.take('a').ok).toBe(true);
  });

  it('stays bounded when addresses are sprayed', () => {
    const limiter = new KeyedRateLimiter({ perSecond: 1, burst: 1 }, () => 0, 100);
    for (let i = 0; i < 10_000; i++) limiter.take(`10.0.${i >> 8}.${i & 255}`);
    expect(limiter.size).toBeLessThanOrEqual(100);
  });
});

describe('sourceKey', () => {
  it('keys IPv4 (also IPv4-mapped) by address and IPv6 by /64', () => {
    expect(sourceKey('127.0.0.1')).toBe('127.0.0.1');
    expect(sourceKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(sourceKey('2001:db8:1:2:aaaa::1')).toBe(sourceKey('2001:db8:1:2:bbbb::9'));
    expect(sourceKey('2001:db8:1:2::1')).not.toBe(sourceKey('2001:db8:1:3::1'));
    expect(sourceKey(undefined)).toBe('unknown');
  });
});
