import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import { ErrorCode, SiagaError } from '@siaga/shared';
import { z } from 'zod';

/** `tls:` in the collector config: serve HTTPS and WSS from these PEM files. */
export const tlsSchema = z
  .object({
    certFile: z.string().min(1),
    keyFile: z.string().min(1),
    /** Intermediate certificates sent along with the server certificate. */
    caFile: z.string().min(1).optional(),
  })
  .strict();
export type TlsConfig = z.infer<typeof tlsSchema>;

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
}

export function resolveTlsPaths(tls: TlsConfig, baseDir: string): TlsConfig {
  return {
    certFile: path.resolve(baseDir, tls.certFile),
    keyFile: path.resolve(baseDir, tls.keyFile),
    ...(tls.caFile ? { caFile: path.resolve(baseDir, tls.caFile) } : {}),
  };
}

function read(field: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new SiagaError(ErrorCode.invalidConfig, `${field}: cannot read ${file}: ${(err as Error).message}`, { path: field });
  }
}

/** Reads the certificate and key and checks that they belong together, naming the field at fault. */
export function loadTls(tls: TlsConfig): TlsMaterial {
  const material: TlsMaterial = { cert: read('tls.certFile', tls.certFile), key: read('tls.keyFile', tls.keyFile) };
  if (tls.caFile) material.ca = read('tls.caFile', tls.caFile);
  try {
    createSecureContext(material);
  } catch (err) {
    throw new SiagaError(ErrorCode.invalidConfig, `tls.certFile/tls.keyFile: ${(err as Error).message}`, { path: 'tls.keyFile' });
  }
  return material;
}
