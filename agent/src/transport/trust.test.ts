import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { describeCertificateError, readCaFile, trustedCas } from './trust.js';

describe('trust', () => {
  it('trusts the default roots plus collector.caFile, or the defaults alone', () => {
    expect(trustedCas(undefined)).toBeUndefined();
    const extra = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const cas = trustedCas(Buffer.from(extra)) as string[];
    expect(cas.at(-1)).toBe(extra);
    expect(cas.length).toBeGreaterThanOrEqual(tls.rootCertificates.length + 1);
    expect(cas).toContain(tls.rootCertificates[0]);
  });

  it('names collector.caFile when it cannot be read', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'siaga-trust-'));
    try {
      writeFileSync(path.join(dir, 'ca.pem'), 'pem');
      expect(readCaFile(path.join(dir, 'ca.pem'))?.toString()).toBe('pem');
      expect(readCaFile(undefined)).toBeUndefined();
      expect(() => readCaFile(path.join(dir, 'missing.pem'))).toThrow(expect.objectContaining({ path: 'collector.caFile' }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explains certificate failures and leaves other errors alone', () => {
    const err = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(describeCertificateError(err, 'collector:8443')).toMatch(/not trusted .*collector\.caFile/);
    expect(describeCertificateError(Object.assign(new Error('x'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }), 'c')).toMatch(/does not name c/);
    expect(describeCertificateError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), 'c')).toBeUndefined();
  });
});
