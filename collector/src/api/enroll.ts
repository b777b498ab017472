import { randomBytes } from 'node:crypto';
import { describeIssues, enrollRequestSchema, ErrorCode, fieldIssues, LIMITS } from '@siaga/shared';
import express, { Router } from 'express';
import type { Logger } from '../log.js';
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
}

/** `POST /v1/enroll`: an enroll secret buys a per-host node key, shown once, stored hashed. */
export function enrollRouter(deps: EnrollDeps): Router {
  const router = Router();
  const configHashes = deps.configSecrets.map(sha256);
  router.post('/v1/enroll', express.json({ limit: LIMITS.maxEnrollBytes }), (req, res) => {
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
    res.json({ hostId: host.id, nodeKey });
  });
  return router;
}
