import { describe, expect, it } from 'vitest';
import { backoffDelay, classifyResponse, parseRetryAfter } from './retry.js';

const retry = { baseDelayMs: 1_000, maxDelayMs: 60_000, maxAttempts: 10, maxAgeMs: 3_600_000 };
const response = (status: number, retryAfter?: string, bodyStart = '') => ({ status, retryAfter, bodyStart });
const NOW = Date.UTC(2026, 2, 9, 12, 0, 0);

describe('retry policy', () => {
  it('delivers on any 2xx', () => {
    for (const status of [200, 201, 202, 204]) expect(classifyResponse(response(status), NOW).kind).toBe('delivered');
  });

  it('retries 408, 429 and 5xx', () => {
    for (const status of [408, 429, 500, 502, 503, 504]) expect(classifyResponse(response(status), NOW).kind).toBe('retry');
  });

  it('gives up at once on other 4xx and on redirects, keeping the reason', () => {
    expect(classifyResponse(response(400, undefined, '{"error":"bad payload"}'), NOW)).toEqual({ kind: 'dead', status: 400, error: 'HTTP 400: {"error":"bad payload"}' });
    for (const status of [401, 403, 404, 410, 413, 422]) expect(classifyResponse(response(status), NOW).kind).toBe('dead');
    const redirect = classifyResponse(response(301), NOW);
    expect(redirect.kind).toBe('dead');
    expect(redirect.kind === 'dead' && redirect.error).toContain('redirects are not followed');
  });

  it('reads Retry-After on 429 and 503, as seconds or as an HTTP date', () => {
    expect(classifyResponse(response(429, '7'), NOW)).toMatchObject({ kind: 'retry', retryAfterMs: 7_000 });
    expect(classifyResponse(response(503, new Date(NOW + 30_000).toUTCString()), NOW)).toMatchObject({ kind: 'retry', retryAfterMs: 30_000 });
    expect(classifyResponse(response(500, '7'), NOW)).not.toHaveProperty('retryAfterMs');
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter(new Date(NOW - 5_000).toUTCString(), NOW)).toBe(0);
  });

  it('backs off exponentially with jitter, within [half, full] of the step and never above the cap', () => {
    expect(backoffDelay(1, retry, () => 0)).toBe(500);
    expect(backoffDelay(1, retry, () => 0.999999)).toBe(1_000);
    expect(backoffDelay(4, retry, () => 0)).toBe(4_000);
    expect(backoffDelay(4, retry, () => 0.999999)).toBe(8_000);
    for (let attempt = 1; attempt < 40; attempt++) {
      const d = backoffDelay(attempt, retry, Math.random);
      expect(d).toBeLessThanOrEqual(retry.maxDelayMs);
      expect(d).toBeGreaterThanOrEqual(Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1)) / 2);
    }
  });
});
