import type { RetryConfig } from './config.js';
import type { PostResult } from './http-post.js';

/** What one attempt means for its delivery. */
export type Outcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'retry'; status: number | null; error: string; retryAfterMs?: number }
  | { kind: 'dead'; status: number | null; error: string };

/** `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1_000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function describe(result: PostResult): string {
  const body = result.bodyStart.replace(/\s+/g, ' ').trim();
  return `HTTP ${result.status}${body ? `: ${body.slice(0, 200)}` : ''}`;
}

/**
 * 2xx delivers. 408, 429 and 5xx are retried (429 and 503 after their Retry-After).
 * Any other status is final: a 4xx will not pass by sending the same request again, and
 * redirects are not followed because the new location has not been vetted.
 */
export function classifyResponse(result: PostResult, now: number): Outcome {
  const { status } = result;
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(result.retryAfter, now) : undefined;
    return retryAfterMs === undefined ? { kind: 'retry', status, error: describe(result) } : { kind: 'retry', status, error: describe(result), retryAfterMs };
  }
  if (status >= 300 && status < 400) return { kind: 'dead', status, error: `${describe(result)} (redirects are not followed; configure the final URL)` };
  return { kind: 'dead', status, error: describe(result) };
}

/**
 * Wait before attempt `attempt + 1`: exponential from baseDelayMs, capped at maxDelayMs, with
 * "equal jitter" (half fixed, half random) so receivers recovering from an outage are not
 * hit by every collector's retries at the same moment.
 */
export function backoffDelay(attempt: number, retry: RetryConfig, random: () => number): number {
  const exp = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}
