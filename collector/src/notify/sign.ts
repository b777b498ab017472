import { createHmac } from 'node:crypto';

export interface SignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** The key bytes of a `whsec_<base64>` secret. */
export function secretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

/**
 * Standard Webhooks signature headers: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`.
 * The id stays the same on every retry so receivers can deduplicate; the timestamp is the
 * attempt's, so receivers' replay windows accept late retries.
 */
export function signatureHeaders(secret: string, id: string, timestampSeconds: number, body: string): SignatureHeaders {
  const timestamp = String(Math.floor(timestampSeconds));
  const signature = createHmac('sha256', secretKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}
