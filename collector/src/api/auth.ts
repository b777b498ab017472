import { ErrorCode } from '@siaga/shared';
import express, { type Request, Router } from 'express';
import { z } from 'zod';
import type { Access, Actor } from '../auth/access.js';
import { clearSessionCookie, sessionCookie, setSessionCookie } from '../auth/cookies.js';
import { markAudited, principalOf } from '../auth/middleware.js';
import type { Principal } from '../auth/roles.js';
import type { ApiToken } from '../auth/tokens.js';
import { durationSec } from '../policy/duration.js';
import { sendError } from './errors.js';
import { parseBody } from './query.js';

const loginSchema = z.object({ name: z.string().min(1).max(128), password: z.string().min(1).max(1024) }).strict();

const MAX_TOKEN_DAYS = 3650;
export const tokenSchema = z
  .object({
    name: z.string().min(1).max(100),
    /** `90d`, `12h`, or seconds. */
    expires: durationSec.pipe(z.number().int().min(60).max(MAX_TOKEN_DAYS * 86_400)).default(90 * 86_400),
  })
  .strict();

export const tokenView = (t: ApiToken) => ({ id: t.id, user: t.userName, name: t.name, createdAt: t.createdAt, expiresAt: t.expiresAt, revokedAt: t.revokedAt, lastUsedAt: t.lastUsedAt });

export const actorOf = (req: Request, p: Principal): Actor => ({ name: p.name, via: p.via, ip: req.ip ?? null });

const json = express.json({ limit: '16kb' });

/** Signing in and out, who am I, and one's own API tokens (`/v1/auth/...`). */
export function authRouter(access: Access, now: () => number): Router {
  const router = Router();

  router.post('/v1/auth/login', json, async (req, res) => {
    const body = parseBody(loginSchema, req.body, res);
    if (!body) return;
    const result = await access.login(body.name, body.password, req.ip ?? 'unknown', req.headers['user-agent'], now());
    if (!result.ok && result.reason === 'locked') {
      const seconds = Math.ceil(result.retryAfterMs / 1000);
      res.setHeader('Retry-After', String(seconds));
      return sendError(res, ErrorCode.rateLimited, `too many failed sign-ins; try again in ${seconds} s`);
    }
    if (!result.ok) return sendError(res, ErrorCode.unauthorized, 'wrong user name or password');
    setSessionCookie(req, res, result.sessionId, result.expiresAt);
    res.json({ user: { name: result.user.name, role: result.user.role }, expiresAt: result.expiresAt });
  });

  router.post('/v1/auth/logout', (req, res) => {
    const p = principalOf(req) as Principal;
    const id = sessionCookie(req);
    if (id && p.via === 'session') access.logout(id, p, req.ip ?? null, now());
    markAudited(res);
    clearSessionCookie(req, res);
    res.status(204).end();
  });

  router.get('/v1/auth/me', (req, res) => {
    const p = principalOf(req) as Principal;
    res.json({ name: p.name, role: p.role, via: p.via });
  });

  router.get('/v1/auth/tokens', (req, res) => {
    const p = principalOf(req) as Principal;
    res.json({ tokens: access.tokens.list(p.userId).map(tokenView) });
  });

  router.post('/v1/auth/tokens', json, (req, res) => {
    const p = principalOf(req) as Principal;
    const body = parseBody(tokenSchema, req.body, res);
    if (!body) return;
    const user = access.users.get(p.userId);
    if (!user) return sendError(res, ErrorCode.unauthorized, 'account no longer exists');
    const { token, info } = access.createToken(user, body.name, body.expires * 1000, actorOf(req, p), now());
    markAudited(res);
    res.status(201).json({ token, ...tokenView(info) });
  });

  router.delete('/v1/auth/tokens/:id', (req, res) => {
    const p = principalOf(req) as Principal;
    const token = access.tokens.get(req.params.id);
    if (!token || token.userId !== p.userId) return sendError(res, ErrorCode.notFound, `no token ${req.params.id} of yours`);
    access.revokeToken(token.id, actorOf(req, p), now());
    markAudited(res);
    res.status(204).end();
  });

  return router;
}
