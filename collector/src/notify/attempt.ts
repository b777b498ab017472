import { ErrorCode, SiagaError } from '@siaga/shared';
import { COLLECTOR_VERSION } from '../version.js';
import type { ReceiverConfig } from './config.js';
import type { DestinationGuard } from './destination.js';
import { postJson } from './http-post.js';
import { classifyResponse, type Outcome } from './retry.js';
import { signatureHeaders } from './sign.js';

export interface AttemptReport {
  outcome: Outcome;
  /** The address connected to, once the destination was vetted. */
  address: string | null;
}

/**
 * One HTTP attempt of a delivery: vet the destination, sign with this attempt's timestamp and
 * the delivery's fixed id, POST, classify. Never throws except when `signal` aborted it.
 */
export async function attemptDelivery(
  delivery: { id: string; body: string },
  receiver: ReceiverConfig,
  guard: DestinationGuard,
  now: () => number,
  signal: AbortSignal,
): Promise<AttemptReport> {
  let address: string | null = null;
  try {
    const destination = await guard.vet(receiver.url);
    address = destination.address;
    const timestamp = Math.floor(now() / 1_000);
    const identity = receiver.secret
      ? signatureHeaders(receiver.secret, delivery.id, timestamp, delivery.body)
      : { 'webhook-id': delivery.id, 'webhook-timestamp': String(timestamp) };
    const headers = { 'user-agent': `siaga-collector/${COLLECTOR_VERSION}`, ...receiver.headers, ...identity };
    const response = await postJson(destination, headers, delivery.body, receiver.timeoutMs, signal);
    return { outcome: classifyResponse(response, now()), address };
  } catch (err) {
    if (signal.aborted) throw err;
    const message = (err as Error).message;
    if (err instanceof SiagaError && err.code === ErrorCode.destinationRefused) return { outcome: { kind: 'dead', status: null, error: message }, address };
    const code = (err as NodeJS.ErrnoException).code;
    return { outcome: { kind: 'retry', status: null, error: code && !message.includes(code) ? `${code}: ${message}` : message }, address };
  }
}
