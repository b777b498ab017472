import { randomBytes } from 'node:crypto';
import { describeIssues, enrollRequestSchema, ErrorCode, fieldIssues, LIMITS } from '@siaga/shared';
import express, { Router } from 'express';
import type { RateSpec } from '../gateway/limits.js';
import { KeyedRateLimiter, sourceKey } from '../gateway/rate-limit.js';
import type { Logger } from '../log.js';
import type { HostEventStore } from '../store/host-events.js';
import { sameDigest, sha256, type SecretStore } from '../store/secrets.js';
import type { HostStore } from '../store/hosts.js';
import { sendError } from './errors.js';

export interface EnrollDeps {
  hosts: HostStore;
  secrets: SecretStore;
  /** Secrets from the config file, accepted beside the managed ones. */
  configSecrets: readonly string[];
  log: Logger;
  now: () => number;
  /** Requests per source address; beyond it: 429 with Retry-After. */
  rate?: RateSpec;
  events?: HostEventStore;
}

/** `POST /v1/enroll`: an enroll secret buys a per-host node key, shown once, stored hashed. */
export function enrollRouter(deps: EnrollDeps): Router {
  const router = Router();
  const configHashes = deps.configSecrets.map(sha256);
  const limiter = deps.rate ? new KeyedRateLimiter(deps.rate, deps.now) : undefined;
  // Before the body is read: a flood costs one map lookup per request.
  const rateLimit: express.RequestHandler = (req, res, next) => {
    const verdict = limiter?.take(sourceKey(req.socket.remoteAddress));
    if (!verdict || verdict.ok) return next();
    res.setHeader('Retry-After', String(Math.ceil(verdict.retryAfterMs / 1000)));
    sendError(res, ErrorCode.rateLimited, 'too many enrollment requests from this address; retry later');
  };
  router.post('/v1/enroll', rateLimit, express.json({ limit: LIMITS.maxEnrollBytes }), (req, res) => {
    const parsed = enrollRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      const issues = fieldIssues(parsed.error);
      return sendError(res, ErrorCode.invalidFrame, describeIssues(issues), issues[0]?.path);
    }
    const request = parsed.data;
    const offered = sha256(request.enrollSecret);
    const accepted = [...configHashes, ...deps.secrets.activeHashes()].some((h) => sameDigest(h, offered));
    if (!accepted) {
      deps.log.warn({ hostname: request.host.hostname, ip: req.ip }, 'enrollment refused: unknown or revoked enroll secret');
      return sendError(res, ErrorCode.enrollRefused, 'enroll secret unknown or revoked');
    }
    const nodeKey = randomBytes(32).toString('base64url');
    const host = deps.hosts.enroll({
      nonce: request.nonce,
      nodeKeyHash: sha256(nodeKey),
      host: request.host,
      os: request.os,
      labels: request.labels,
      agentVersion: request.agentVersion,
      now: deps.now(),
    });
    deps.log.info({ hostId: host.id, hostname: host.hostname }, 'host enrolled');
    deps.events?.record(host.id, 'enrolled', { hostname: request.host.hostname, agentId: request.host.id, source: req.socket.remoteAddress ?? null }, deps.now());
    res.json({ hostId: host.id, nodeKey });
  });
  return router;
}
