import { cleanText } from './console-text.js';

/** How a network attempt failed, in the words a helpdesk uses. */
export type NetFailureKind = 'timeout' | 'connect' | 'tls' | 'dns';

export interface NetFailure {
  kind: NetFailureKind;
  message: string;
}

/** "5 s", "1.5 s", "0.25 s". */
export const formatSeconds = (ms: number): string => `${Number((ms / 1000).toFixed(2))} s`;

const CONNECT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EHOSTDOWN: 'host down',
  ENETDOWN: 'network down',
  EADDRNOTAVAIL: 'no usable local address',
  ECONNABORTED: 'connection aborted',
  HPE_INVALID_CONSTANT: 'invalid HTTP response',
};

const TLS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'certificate expired',
  CERT_NOT_YET_VALID: 'certificate not yet valid',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate issuer unknown',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate issuer unknown',
  UNABLE_TO_GET_ISSUER_CERT: 'certificate issuer unknown',
  ERR_TLS_CERT_ALTNAME_INVALID: 'certificate name mismatch',
  CERT_REVOKED: 'certificate revoked',
  CERT_SIGNATURE_FAILURE: 'certificate signature invalid',
};

/** A TLS verification failure ("TLS: certificate expired") from an OpenSSL/Node code. */
export function tlsFailure(code: string): NetFailure {
  return { kind: 'tls', message: `TLS: ${TLS[code] ?? code.toLowerCase().replace(/_/g, ' ')}` };
}

/** Turns a socket/DNS/TLS error into a short reason; `timeoutMs` says what a timeout was. */
export function describeNetError(err: unknown, timeoutMs: number): NetFailure {
  const e = err as NodeJS.ErrnoException & { hostname?: string };
  const code = typeof e?.code === 'string' ? e.code : '';
  if (code === 'ETIMEDOUT' || code === 'ETIMEOUT' || e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return { kind: 'timeout', message: `timeout after ${formatSeconds(timeoutMs)}` };
  }
  if (code in TLS) return tlsFailure(code);
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || /^(CERT|UNABLE_TO)_/.test(code)) return tlsFailure(code);
  if (code === 'ENOTFOUND') return { kind: 'dns', message: `DNS: name not found${e.hostname ? ` (${e.hostname})` : ''}` };
  if (code === 'EAI_AGAIN') return { kind: 'dns', message: `DNS: lookup failed${e.hostname ? ` for ${e.hostname}` : ''} (resolver unreachable?)` };
  const known = CONNECT[code];
  if (known) return { kind: 'connect', message: known };
  const text = e instanceof Error ? e.message : String(err);
  return { kind: 'connect', message: cleanText(text, 200) };
}
