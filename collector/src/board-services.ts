import { type RequestHandler, Router } from 'express';
import type { AlertService } from './alerts/index.js';
import { alertView } from './api/alerts.js';
import { authRouter } from './api/auth.js';
import { boardRouter } from './api/board.js';
import { eventStreamRouter } from './api/events-stream.js';
import { hostLogRouter } from './api/host-log.js';
import { reportsRouter } from './api/reports.js';
import { usersRouter } from './api/users.js';
import { Access } from './auth/access.js';
import { ensureInitialAdmin } from './auth/bootstrap.js';
import { markAudited, principalOf, requireAccess } from './auth/middleware.js';
import type { Principal } from './auth/roles.js';
import type { CollectorConfig } from './config.js';
import { recordAlertEvents } from './hostlog/recorder.js';
import { HostLogStore, type LogEntry } from './hostlog/store.js';
import { LiveFeed } from './live/feed.js';
import type { Logger } from './log.js';
import type { PolicyFile } from './policy/schema.js';
import type { ReadinessEngine } from './readiness/engine.js';
import type { Db } from './store/db.js';
import type { HostStore } from './store/hosts.js';

export interface BoardServicesDeps {
  db: Db;
  config: CollectorConfig;
  hosts: HostStore;
  readiness: ReadinessEngine;
  alerts: AlertService;
  /** The host as `GET /v1/hosts` lists it. */
  hostView: (hostId: string) => unknown;
  policy: () => PolicyFile;
  /** Re-reads the policy file; false when the new one is invalid. */
  reloadPolicy: () => boolean;
  policyStatus: () => unknown;
  log: Logger;
  now: () => number;
}

/**
 * What people use: sign-in and roles in front of every `/v1` route, the audit log, the live
 * event stream, each machine's maintenance log, readiness reports and the board itself.
 */
export class BoardServices {
  readonly access: Access;
  readonly hostLog: HostLogStore;
  readonly feed: LiveFeed<unknown, unknown>;

  constructor(private readonly deps: BoardServicesDeps) {
    const { config } = deps;
    this.access = new Access(deps.db, { sessions: { idleMs: config.auth.sessionIdle * 1000, maxAgeMs: config.auth.sessionMaxAge * 1000 } });
    this.hostLog = new HostLogStore(deps.db);
    this.feed = new LiveFeed({
      host: deps.hostView,
      alert: (id) => {
        const a = deps.alerts.engine.openAlerts().find((x) => x.id === id) ?? deps.alerts.store.getAlert(id);
        return a ? alertView(a) : undefined;
      },
    });
    deps.readiness.onChange((change) => this.feed.hostChanged(change.hostId));
    const logAlert = recordAlertEvents(this.hostLog, deps.hosts, (entry) => this.logAdded(entry));
    deps.alerts.engine.onEvent((event, alert) => {
      this.feed.alertChanged(alert.id);
      logAlert(event, alert);
    });
  }

  /** Goes before every other route: decides who may call what under `/v1`. */
  guard(): RequestHandler {
    return requireAccess(this.access, this.deps.now);
  }

  routes(): Router {
    const { deps } = this;
    const router = Router();
    router.use(authRouter(this.access, deps.now));
    router.use(usersRouter(this.access, deps.now));
    router.use(eventStreamRouter({ feed: this.feed, access: this.access, now: deps.now }));
    router.use(hostLogRouter({ log: this.hostLog, hosts: deps.hosts, added: (e) => this.logAdded(e), now: deps.now }));
    router.use(reportsRouter({ db: deps.db, policy: deps.policy, now: deps.now }));
    router.post('/v1/policy/reload', (req, res) => {
      const ok = deps.reloadPolicy();
      const who = principalOf(req) as Principal;
      // Recorded whether or not the new file was accepted.
      this.access.audit.record({ at: deps.now(), actor: who.name, via: who.via, ip: req.ip ?? null, action: 'policy.reload', target: 'policy', detail: { accepted: ok } });
      markAudited(res);
      res.status(ok ? 200 : 422).json({ reloaded: ok, policy: deps.policyStatus() });
    });
    router.use(boardRouter());
    return router;
  }

  /** First start: the initial admin account. */
  start(): Promise<void> {
    return ensureInitialAdmin(this.access, this.deps.config.dataDir, this.deps.log, this.deps.now());
  }

  stop(): void {
    this.feed.close();
  }

  private logAdded(entry: LogEntry): void {
    this.feed.logAdded(entry);
  }
}
