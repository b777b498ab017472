export interface LockoutPolicy {
  /** Consecutive failures for one account before it is locked. */
  userFailures: number;
  /** Failures from one address (any account) before it is locked. */
  ipFailures: number;
  /** First lock; each further failure doubles it. */
  baseLockMs: number;
  maxLockMs: number;
  /** Failures older than this are forgotten. */
  forgetAfterMs: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { userFailures: 5, ipFailures: 20, baseLockMs: 30_000, maxLockMs: 15 * 60_000, forgetAfterMs: 60 * 60_000 };

interface Counter {
  failures: number;
  lastFailureAt: number;
  lockedUntil: number;
}

export type LoginGate = { allowed: true } | { allowed: false; retryAfterMs: number; scope: 'user' | 'ip' };

/**
 * Slows password guessing: after `userFailures` failed sign-ins an account is locked, after
 * `ipFailures` an address is, for a time that doubles with each further failure. Kept in memory:
 * a restart forgets, which an attacker cannot cause.
 */
export class LoginLimiter {
  private readonly users = new Map<string, Counter>();
  private readonly ips = new Map<string, Counter>();

  constructor(private readonly policy: LockoutPolicy = DEFAULT_LOCKOUT) {}

  check(user: string, ip: string, now: number): LoginGate {
    const u = this.live(this.users, user.toLowerCase(), now);
    const i = this.live(this.ips, ip, now);
    const userWait = (u?.lockedUntil ?? 0) - now;
    const ipWait = (i?.lockedUntil ?? 0) - now;
    if (userWait <= 0 && ipWait <= 0) return { allowed: true };
    return userWait >= ipWait ? { allowed: false, retryAfterMs: userWait, scope: 'user' } : { allowed: false, retryAfterMs: ipWait, scope: 'ip' };
  }

  failure(user: string, ip: string, now: number): void {
    this.count(this.users, user.toLowerCase(), this.policy.userFailures, now);
    this.count(this.ips, ip, this.policy.ipFailures, now);
  }

  /** A good password clears the account's count; the address's count only fades with time. */
  success(user: string): void {
    this.users.delete(user.toLowerCase());
  }

  private count(map: Map<string, Counter>, key: string, threshold: number, now: number): void {
    const c = this.live(map, key, now) ?? { failures: 0, lastFailureAt: now, lockedUntil: 0 };
    c.failures += 1;
    c.lastFailureAt = now;
    if (c.failures >= threshold) {
      const lock = Math.min(this.policy.maxLockMs, this.policy.baseLockMs * 2 ** (c.failures - threshold));
      c.lockedUntil = now + lock;
    }
    map.set(key, c);
    if (map.size > 10_000) this.prune(map, now);
  }

  private live(map: Map<string, Counter>, key: string, now: number): Counter | undefined {
    const c = map.get(key);
    if (c && now - c.lastFailureAt > this.policy.forgetAfterMs && now >= c.lockedUntil) {
      map.delete(key);
      return undefined;
    }
    return c;
  }

  private prune(map: Map<string, Counter>, now: number): void {
    for (const key of [...map.keys()]) this.live(map, key, now);
  }
}
