import { describe, expect, it } from 'vitest';
import { LoginLimiter } from './login-limiter.js';

const policy = { userFailures: 3, ipFailures: 5, baseLockMs: 1000, maxLockMs: 8000, forgetAfterMs: 60_000 };

describe('failed sign-in lockout', () => {
  it('locks an account after its failures, for a time that doubles with each further failure, up to the cap', () => {
    const l = new LoginLimiter(policy);
    let t = 0;
    for (let i = 0; i < 2; i++) l.failure('ana', `10.0.0.${i}`, t);
    expect(l.check('ana', '10.0.0.9', t)).toEqual({ allowed: true });
    l.failure('ana', '10.0.0.3', t);
    expect(l.check('ana', '10.0.0.9', t)).toEqual({ allowed: false, retryAfterMs: 1000, scope: 'user' });
    expect(l.check('ANA', '10.0.0.9', t + 999).allowed).toBe(false);
    t += 1000;
    expect(l.check('ana', '10.0.0.9', t).allowed).toBe(true);
    l.failure('ana', '10.0.0.4', t);
    expect(l.check('ana', '10.0.0.9', t)).toMatchObject({ allowed: false, retryAfterMs: 2000 });
    for (let i = 0; i < 5; i++) l.failure('ana', '10.0.0.5', t);
    expect(l.check('ana', '10.0.0.9', t)).toMatchObject({ allowed: false, retryAfterMs: 8000 });
    // Other accounts are not affected by ana's lock.
    expect(l.check('budi', '10.0.0.9', t).allowed).toBe(true);
  });

  it('locks an address that guesses across many accounts', () => {
    const l = new LoginLimiter(policy);
    for (const user of ['a', 'b', 'c', 'd', 'e']) l.failure(user, '192.0.2.7', 0);
    expect(l.check('fresh-user', '192.0.2.7', 0)).toMatchObject({ allowed: false, scope: 'ip' });
    expect(l.check('fresh-user', '192.0.2.8', 0).allowed).toBe(true);
  });

  it('clears an account after a good password, but not the address', () => {
    const l = new LoginLimiter(policy);
    for (let i = 0; i < 2; i++) l.failure('ana', '192.0.2.1', 0);
    l.success('ana');
    l.failure('ana', '192.0.2.1', 0);
    l.failure('ana', '192.0.2.1', 0);
    expect(l.check('ana', '192.0.2.2', 0).allowed).toBe(true);
    l.failure('x', '192.0.2.1', 0);
    expect(l.check('other', '192.0.2.1', 0)).toMatchObject({ allowed: false, scope: 'ip' });
  });

  it('forgets old failures', () => {
    const l = new LoginLimiter(policy);
    l.failure('ana', '192.0.2.1', 0);
    l.failure('ana', '192.0.2.1', 0);
    l.failure('ana', '192.0.2.1', 70_000);
    expect(l.check('ana', '192.0.2.1', 70_000).allowed).toBe(true);
  });
});
