import { ErrorCode } from '@siaga/shared';
import express, { Router } from 'express';
import { z } from 'zod';
import type { Access } from '../auth/access.js';
import { markAudited, principalOf } from '../auth/middleware.js';
import { ROLES, type Principal } from '../auth/roles.js';
import type { User } from '../auth/users.js';
import { userName } from '../auth/users.js';
import { actorOf, tokenSchema, tokenView } from './auth.js';
import { sendError } from './errors.js';
import { parseBody, parseQuery } from './query.js';

const newUserSchema = z.object({ name: userName, role: z.enum(ROLES), password: z.string().max(1024) }).strict();
const changeUserSchema = z.object({ role: z.enum(ROLES).optional(), password: z.string().max(1024).optional(), disabled: z.boolean().optional() }).strict();
const newTokenSchema = tokenSchema.extend({ user: userName });
const auditQuery = z
  .object({
    from: z.coerce.number().int().min(0).optional(),
    to: z.coerce.number().int().min(0).optional(),
    actor: z.string().max(128).optional(),
    action: z.string().max(128).optional(),
    before: z.coerce.number().int().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  })
  .strict();

const userView = (u: User) => ({ name: u.name, role: u.role, createdAt: u.createdAt, passwordChangedAt: u.passwordChangedAt, disabled: u.disabledAt !== null });

/** Admin-only: accounts, everybody's API tokens, the audit log. */
export function usersRouter(access: Access, now: () => number): Router {
  const router = Router();
  const json = express.json({ limit: '16kb' });

  router.get('/v1/users', (_req, res) => {
    res.json({ users: access.users.list().map(userView) });
  });

  router.post('/v1/users', json, async (req, res) => {
    const body = parseBody(newUserSchema, req.body, res);
    if (!body) return;
    const user = await access.addUser(body.name, body.role, body.password, actorOf(req, principalOf(req) as Principal), now());
    markAudited(res);
    res.status(201).json(userView(user));
  });

  router.patch('/v1/users/:name', json, async (req, res) => {
    const body = parseBody(changeUserSchema, req.body, res);
    if (!body) return;
    const p = principalOf(req) as Principal;
    const user = access.users.byName(req.params.name);
    if (!user) return sendError(res, ErrorCode.notFound, `no user named ${req.params.name}`);
    if (user.id === p.userId && (body.disabled === true || (body.role && body.role !== 'admin'))) {
      return sendError(res, ErrorCode.invalidRequest, 'you cannot disable or demote your own account', body.disabled ? 'disabled' : 'role');
    }
    const actor = actorOf(req, p);
    if (body.password !== undefined) await access.setPassword(user, body.password, actor, now());
    if (body.role !== undefined && body.role !== user.role) access.setRole(user, body.role, actor, now());
    if (body.disabled !== undefined && body.disabled !== (user.disabledAt !== null)) access.setDisabled(user, body.disabled, actor, now());
    markAudited(res);
    res.json(userView(access.users.get(user.id) as User));
  });

  router.get('/v1/tokens', (_req, res) => {
    res.json({ tokens: access.tokens.list().map(tokenView) });
  });

  router.post('/v1/tokens', json, (req, res) => {
    const body = parseBody(newTokenSchema, req.body, res);
    if (!body) return;
    const user = access.users.byName(body.user);
    if (!user) return sendError(res, ErrorCode.notFound, `no user named ${body.user}`, 'user');
    const { token, info } = access.createToken(user, body.name, body.expires * 1000, actorOf(req, principalOf(req) as Principal), now());
    markAudited(res);
    res.status(201).json({ token, ...tokenView(info) });
  });

  router.delete('/v1/tokens/:id', (req, res) => {
    if (!access.revokeToken(req.params.id, actorOf(req, principalOf(req) as Principal), now())) {
      return sendError(res, ErrorCode.notFound, `no live token ${req.params.id}`);
    }
    markAudited(res);
    res.status(204).end();
  });

  router.get('/v1/audit', (req, res) => {
    const q = parseQuery(auditQuery, req.query, res);
    if (!q) return;
    res.json({ entries: access.audit.list(q) });
  });

  return router;
}
