import { ErrorCode } from '@siaga/shared';
import type { Request, RequestHandler, Response } from 'express';
import { sendError } from '../api/errors.js';
import type { Access } from './access.js';
import { sessionCookie } from './cookies.js';
import { atLeast, type Principal } from './roles.js';
import { isWrite, requirementFor } from './route-roles.js';

const principals = new WeakMap<Request, Principal>();

/** The signed-in user behind a request (set by `requireAccess`); undefined on public routes. */
export const principalOf = (req: Request): Principal | undefined => principals.get(req);

/** Routes that write their own, more precise audit entry call this so the generic one is skipped. */
export const markAudited = (res: Response): void => {
  res.locals.audited = true;
};

function bearer(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m ? m[1] : '';
}

/** A cookie-authenticated change must come from the board itself, not from another site's page. */
function crossSite(req: Request): boolean {
  if (req.headers['sec-fetch-site'] === 'cross-site') return true;
  const origin = req.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}

/**
 * Every `/v1` request: who is it (session cookie or `Authorization: Bearer <API token>`), may
 * they (viewer < operator < admin, see route-roles.ts), and, once answered, a record of every
 * change that succeeded.
 */
export function requireAccess(access: Access, now: () => number): RequestHandler {
  return (req, res, next) => {
    // Express matches routes without regard to case (`/V1/Audit` reaches `/v1/audit`): so must this.
    const path = req.path.toLowerCase();
    if (path !== '/v1' && !path.startsWith('/v1/')) return next();
    const needs = requirementFor(req.method, path);
    if (needs === 'public') {
      // Another site's page must not sign a browser in (to an account of the attacker's choosing).
      if (path === '/v1/auth/login' && crossSite(req)) return sendError(res, ErrorCode.forbidden, 'cross-site sign-in refused');
      if (isWrite(req.method) && path.startsWith('/v1/ack/')) auditOnFinish(access, req, res, { name: 'acknowledge link', via: 'link' }, now);
      return next();
    }
    const token = bearer(req);
    const principal = access.authenticate(token !== undefined ? { bearer: token } : { sessionId: sessionCookie(req) }, now());
    if (!principal) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="siaga"');
      return sendError(res, ErrorCode.unauthorized, token !== undefined ? 'API token unknown, expired or revoked' : 'sign in first, or send an API token (Authorization: Bearer <token>)');
    }
    if (!atLeast(principal.role, needs)) {
      return sendError(res, ErrorCode.forbidden, `${principal.name} is ${principal.role === 'admin' ? 'an' : 'a'} ${principal.role}; this needs ${needs === 'admin' ? 'an' : 'a'} ${needs}`);
    }
    if (principal.via === 'session' && isWrite(req.method) && crossSite(req)) {
      return sendError(res, ErrorCode.forbidden, 'cross-site request refused');
    }
    principals.set(req, principal);
    if (isWrite(req.method)) auditOnFinish(access, req, res, { name: principal.name, via: principal.via }, now);
    next();
  };
}

function auditOnFinish(access: Access, req: Request, res: Response, actor: { name: string; via: 'session' | 'token' | 'link' }, now: () => number): void {
  const path = req.originalUrl.split('?')[0] ?? req.path;
  res.on('finish', () => {
    if (res.statusCode >= 400 || res.locals.audited) return;
    // The matched route (`/v1/alerts/:id/ack`) names the action; the path says what it was done to.
    const route = (req.route as { path?: unknown } | undefined)?.path;
    access.audit.record({ at: now(), actor: actor.name, via: actor.via, ip: req.ip ?? null, action: `${req.method} ${typeof route === 'string' ? route : path}`, target: path, detail: { body: req.body ?? null, status: res.statusCode } });
  });
}
