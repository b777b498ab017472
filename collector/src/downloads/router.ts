import { existsSync } from 'node:fs';
import path from 'node:path';
import { ErrorCode, labelName, releaseFileName } from '@siaga/shared';
import { type Request, type Response, Router } from 'express';
import { sendError } from '../api/errors.js';
import { MANIFEST_FILE, type ReleaseCatalog, RELEASES_DIR } from '../releases/catalog.js';
import { contentType, isServable, listedFiles } from './files.js';
import { type InstallPageInput, renderInstallHtml, renderInstallText } from './install-page.js';

export interface DownloadsDeps {
  packagesDir: string;
  catalog: ReleaseCatalog;
  /** `publicUrl` from the config; without it the page uses the address the request came to. */
  publicUrl: string | undefined;
  releaseKey: string | undefined;
  tls: boolean;
}

function send(res: Response, root: string, name: string): void {
  res.setHeader('Content-Type', contentType(name));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (contentType(name) === 'application/octet-stream' || /\.(msi|deb)$/.test(name)) res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
  // A new build replaces files under the same names: revalidate (sendFile answers 304 on a match).
  res.sendFile(name, { root, dotfiles: 'deny', cacheControl: false, headers: { 'Cache-Control': 'no-cache' } }, (err) => {
    if (err && !res.headersSent) sendError(res, ErrorCode.notFound, `${name} is not available`);
  });
}

const existsIn = (dir: string, name: string): boolean => existsSync(path.join(dir, name));

function notFound(res: Response, name: string): void {
  sendError(res, ErrorCode.notFound, `no download named ${name}`);
}

/** `?site=&group=&tags=` for the install lines, each checked like the agent's labels. */
function labelsFrom(req: Request): InstallPageInput['labels'] | string {
  const labels: InstallPageInput['labels'] = {};
  for (const key of ['site', 'group', 'tags'] as const) {
    const value = req.query[key];
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string') return `${key}: expected one value`;
    const parts = key === 'tags' ? value.split(',') : [value];
    if (!parts.every((p) => labelName.safeParse(p).success)) return `${key}: expected letters, digits, dot, dash or underscore`;
    labels[key] = value;
  }
  return labels;
}

/**
 * Public routes for installing and updating agents: `/downloads/<file>` (the build's files that
 * SHA256SUMS lists, install.sh, the MDM script), `/downloads/releases/<version>/<file>` (signed
 * releases, as their manifest lists them) and `/v1/install` (copy-paste install lines).
 * Nothing else in the packages folder is reachable.
 */
export function downloadsRouter(deps: DownloadsDeps): Router {
  const router = Router();

  router.get('/downloads/releases/:version/:file', (req, res) => {
    const { version, file } = req.params as { version: string; file: string };
    const release = deps.catalog.get(version);
    if (!release || !releaseFileName.safeParse(file).success || (file !== MANIFEST_FILE && !release.files.has(file))) return notFound(res, `releases/${version}/${file}`);
    send(res, path.join(deps.packagesDir, RELEASES_DIR, version), file);
  });

  router.get('/downloads/:file', (req, res) => {
    const { file } = req.params as { file: string };
    if (!isServable(deps.packagesDir, file)) return notFound(res, file);
    send(res, deps.packagesDir, file);
  });

  router.get('/v1/install', (req, res) => {
    const labels = labelsFrom(req);
    if (typeof labels === 'string') return sendError(res, ErrorCode.invalidRequest, labels, labels.split(':')[0]);
    const files = ['install.sh', 'mdm-install.sh', ...listedFiles(deps.packagesDir)].filter((f) => isServable(deps.packagesDir, f) && existsIn(deps.packagesDir, f));
    const input: InstallPageInput = { url: deps.publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`, files, releaseKey: deps.releaseKey, tls: deps.tls, labels };
    res.setHeader('Cache-Control', 'no-store');
    if (req.accepts(['text/plain', 'text/html']) === 'text/html') res.type('html').send(renderInstallHtml(input));
    else res.type('text/plain').send(renderInstallText(input));
  });

  return router;
}
