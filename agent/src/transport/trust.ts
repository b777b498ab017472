import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { ErrorCode, SiagaError } from '@siaga/shared';

type CaSource = 'default' | 'system' | 'bundled' | 'extra';
const getCACertificates = (tls as unknown as { getCACertificates?: (type?: CaSource) => string[] }).getCACertificates;

/**
 * The CAs the agent trusts for the collector: Node's defaults (its bundled Mozilla roots, the
 * system store where Node is told to use it, NODE_EXTRA_CA_CERTS) plus `collector.caFile`.
 * Node's `ca` option replaces the defaults, so they are listed explicitly; undefined means
 * "defaults only".
 */
export function trustedCas(extraPem: Buffer | undefined): string[] | undefined {
  if (!extraPem) return undefined;
  // tls.getCACertificates (Node 22.15+) includes system and NODE_EXTRA_CA_CERTS; Node 20 has the bundled roots.
  const defaults = getCACertificates ? getCACertificates('default') : [...tls.rootCertificates];
  return [...defaults, extraPem.toString('utf8')];
}

const CERT_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** An operator-facing explanation when `err` is a certificate verification failure, else undefined. */
export function describeCertificateError(err: unknown, host: string): string | undefined {
  const code = (err as { code?: string } | undefined)?.code;
  if (!code || !CERT_ERRORS.has(code)) return undefined;
  const message = (err as Error).message;
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return `the collector's certificate (${host}) is outside its validity period: ${message}`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `the collector's certificate does not name ${host}: ${message}; use the name the certificate was issued for in collector.url`;
  return `the collector's certificate (${host}) is not trusted (${code}): put the CA that signed it in a PEM file and set collector.caFile`;
}

/** Reads `collector.caFile`, naming the field when it cannot. */
export function readCaFile(file: string | undefined): Buffer | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch (err) {
    throw new SiagaError(ErrorCode.invalidConfig, `collector.caFile: cannot read ${file}: ${(err as Error).message}`, { path: 'collector.caFile' });
  }
}
