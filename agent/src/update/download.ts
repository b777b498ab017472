import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

export interface DownloadOptions {
  ca?: string[] | Buffer | undefined;
  /** Larger answers are cut off: no executable is this big. */
  maxBytes: number;
  /** No data for this long ends the download. */
  idleTimeoutMs: number;
}

/**
 * Streams `url` into `file` (created 0700) and hashes it on the way. Trusts the collector's
 * certificate the way the transport does (`ca`). Rejects on an HTTP error, a size over
 * `maxBytes`, an answer shorter than its Content-Length or a stall.
 */
export function download(url: URL, file: string, options: DownloadOptions): Promise<{ sha256: string; size: number }> {
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.get(url, { ...(options.ca ? { ca: options.ca } : {}), timeout: options.idleTimeoutMs }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`${url.pathname}: HTTP ${res.statusCode ?? 0}`));
        return;
      }
      const declared = Number(res.headers['content-length'] ?? NaN);
      if (declared > options.maxBytes) {
        res.destroy();
        reject(new Error(`${url.pathname}: ${declared} bytes is more than the ${options.maxBytes} an agent build may have`));
        return;
      }
      const hash = createHash('sha256');
      const out = createWriteStream(file, { mode: 0o700 });
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) res.destroy(new Error(`${url.pathname}: more than ${options.maxBytes} bytes`));
        else hash.update(chunk);
      });
      res.on('error', (err) => {
        out.destroy();
        reject(err);
      });
      res.on('aborted', () => reject(new Error(`${url.pathname}: the download was cut off`)));
      out.on('error', reject);
      // 'close', not 'finish': the file must be closed before it can be run (ETXTBSY otherwise).
      out.on('close', () => {
        if (Number.isFinite(declared) && size !== declared) reject(new Error(`${url.pathname}: got ${size} of ${declared} bytes`));
        else resolve({ sha256: hash.digest('hex'), size });
      });
      res.pipe(out);
    });
    req.on('timeout', () => req.destroy(new Error(`${url.host}: no data for ${options.idleTimeoutMs} ms`)));
    req.on('error', reject);
  });
}
