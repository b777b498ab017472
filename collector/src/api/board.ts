import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';

/**
 * Where the board's files are: `web/` beside the compiled code (the build copies it into
 * dist), else the sources (a checkout built with `tsc` alone).
 */
export function boardAssetsDir(): string | undefined {
  const candidates = ['../web/', './web/', '../../src/web/'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((dir) => existsSync(`${dir}index.html`));
}

/** Scripts and styles come only from the collector itself; nothing may frame the board. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** The readiness board: `/` and its assets under `/board/`. Data comes from the API, which checks who asks. */
export function boardRouter(dir: string | undefined = boardAssetsDir()): Router {
  const router = Router();
  if (!dir) return router;
  const headers = (res: express.Response) => {
    res.setHeader('content-security-policy', CSP);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'same-origin');
  };
  router.get(['/', '/index.html'], (_req, res) => {
    headers(res);
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(`${dir}index.html`);
  });
  router.use(
    '/board',
    express.static(dir, {
      index: false,
      fallthrough: true,
      setHeaders: (res) => {
        headers(res);
        res.setHeader('cache-control', 'no-cache');
      },
    }),
  );
  return router;
}
