import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Destination } from './destination.js';

export interface PostResult {
  status: number;
  /** The Retry-After header, when the receiver sent one. */
  retryAfter: string | undefined;
  /** The start of the response body, for error messages. */
  bodyStart: string;
}

/** Response bytes kept for the delivery record. */
const KEPT_BODY_BYTES = 512;

/** A lookup that always answers with the vetted address, so DNS cannot change between check and connect. */
function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as LookupFunction;
}

/**
 * POSTs `body` to the destination's vetted address. Redirects are not followed. The whole
 * exchange, connect to end of the response, must finish within `timeoutMs`; `signal` aborts it.
 */
export function postJson(dest: Destination, headers: Record<string, string>, body: string, timeoutMs: number, signal?: AbortSignal): Promise<PostResult> {
  const { url } = dest;
  const client = url.protocol === 'https:' ? https : http;
  const payload = Buffer.from(body);
  return new Promise<PostResult>((resolve, reject) => {
    const req = client.request({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      auth: url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined,
      headers: { ...headers, 'content-type': 'application/json', 'content-length': String(payload.length) },
      lookup: pinnedLookup(dest.address, dest.family),
      family: dest.family,
      agent: false,
      signal,
    });
    const timer = setTimeout(() => req.destroy(new Error(`timeout after ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (chunk: Buffer) => {
        if (kept < KEPT_BODY_BYTES) {
          chunks.push(chunk);
          kept += chunk.length;
        }
      });
      res.once('end', () => {
        clearTimeout(timer);
        const retryAfter = res.headers['retry-after'];
        resolve({
          status: res.statusCode ?? 0,
          retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
          bodyStart: Buffer.concat(chunks).subarray(0, KEPT_BODY_BYTES).toString('utf8'),
        });
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    req.end(payload);
  });
}
