import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { CloseCode } from '@siaga/shared';
import express from 'express';
import { AlertService } from './alerts/index.js';
import { alertsRouter } from './api/alerts.js';
import { enrollRouter } from './api/enroll.js';
import { enrollmentAdminRouter } from './api/enrollment-admin.js';
import { errorHandler } from './api/errors.js';
import { hostSummary, hostsRouter } from './api/hosts.js';
import { inventoryRouter } from './api/inventory.js';
import { BoardServices } from './board-services.js';
import type { CollectorConfig } from './config.js';
import { downloadsRouter } from './downloads/router.js';
import { EventLoopDelay } from './event-loop-delay.js';
import { serverTimeouts } from './gateway/admission.js';
import { Gateway } from './gateway/server.js';
import { Ingest } from './ingest/ingest.js';
import { InventoryService } from './inventory/service.js';
import { LatencyWindow } from './latency-window.js';
import type { Logger } from './log.js';
import { Notifier } from './notify/index.js';
import { FilePolicyProvider } from './policy/provider.js';
import { ReadinessEngine } from './readiness/engine.js';
import { ReleaseCatalog } from './releases/catalog.js';
import { missingReleases, offerFor } from './releases/select.js';
import { saveRestartNotice, takeRestartNotice } from './restart-notice.js';
import { influxFields, SelfMetrics } from './selfmetrics.js';
import { InfluxSink } from './sinks/influx.js';
import type { Point, Sink } from './sinks/types.js';
import { StoreChangeWatcher } from './store/change-watcher.js';
import { type Db, openDatabase } from './store/db.js';
import { HostEventStore } from './store/host-events.js';
import { HostStore } from './store/hosts.js';
import { InventoryStore } from './store/inventory.js';
import { ReadinessStore } from './store/readiness.js';
import { SecretStore } from './store/secrets.js';
import { loadTls } from './tls.js';
import { COLLECTOR_VERSION } from './version.js';

/**
 * Connections the kernel queues before the collector accepts them (capped by net.core.somaxconn).
 * A fleet reconnecting after a restart arrives in bursts of thousands: Node's default of 511
 * overflowed in the benchmark's reconnect storms, and each dropped handshake sends an agent into
 * its backoff.
 */
const LISTEN_BACKLOG = 8192;

/**
 * The collector process: one HTTP port for the REST API, enrollment and the agent WebSocket;
 * the SQLite store; the policy; readiness; InfluxDB when configured.
 */
export class Collector {
  readonly db: Db;
  readonly hosts: HostStore;
  readonly secrets: SecretStore;
  /** Security events per host (enrolled, revoked, duplicate identity); `events.onEvent` to hear them. */
  readonly events: HostEventStore;
  readonly ingest: Ingest;
  readonly policies: FilePolicyProvider;
  readonly readiness: ReadinessEngine;
  readonly inventory: InventoryService;
  readonly notifier: Notifier;
  readonly alerts: AlertService;
  /** Sign-in, roles and audit; the board, its live feed, maintenance logs and reports. */
  readonly board: BoardServices;
  /** Signed agent releases in the packages folder, offered to hosts per `updates`. */
  readonly releases: ReleaseCatalog;
  private readonly sinks: Sink[] = [];
  private readonly selfMetrics: SelfMetrics;
  private readonly loopDelay = new EventLoopDelay();
  /** From a report's frame being read to its ack. */
  private readonly ackTimes = new LatencyWindow();
  private framesInvalid = 0;
  private readonly server: http.Server | https.Server;
  private readonly storeChanges: StoreChangeWatcher;
  private readonly gateway: Gateway;

  constructor(
    private readonly config: CollectorConfig,
    private readonly log: Logger,
    now: () => number = Date.now,
  ) {
    this.db = openDatabase(config.dataDir);
    this.hosts = new HostStore(this.db);
    this.secrets = new SecretStore(this.db);
    this.events = new HostEventStore(this.db);
    if (config.influx) this.sinks.push(new InfluxSink(config.influx, log, config.dataDir));
    this.ingest = new Ingest(this.hosts, this.sinks, log, (config.influx?.statusHeartbeat ?? 0) * 1000);
    this.policies = new FilePolicyProvider(config.policyFile, log);
    this.releases = new ReleaseCatalog(config.packages.dir, log);
    const readinessStore = new ReadinessStore(this.db);
    const agentsBackBy = takeRestartNotice(config.dataDir);
    if (agentsBackBy > now()) log.info({ until: new Date(agentsBackBy).toISOString() }, 'the agents were asked to reconnect spread over a window: no host is judged offline before it is over');
    this.readiness = new ReadinessEngine({ hosts: this.hosts, policies: this.policies, store: readinessStore, write: (points) => this.writePoints(points), log, now, agentsBackBy });
    this.ingest.onReport((host, frame, receivedAt, live) => this.readiness.report(host, frame, receivedAt, live));
    const inventoryStore = new InventoryStore(this.db);
    this.inventory = new InventoryService({ store: inventoryStore, hosts: this.hosts, policies: this.policies, readiness: this.readiness, write: (points) => this.writePoints(points), log, now });
    this.notifier = new Notifier({ db: this.db, config: config.notify, log, now });
    this.alerts = new AlertService({ db: this.db, dataDir: config.dataDir, config: config.alerts, notifier: this.notifier, hosts: this.hosts, policies: this.policies, readiness: this.readiness, publicUrl: () => this.publicUrl(), log, now });
    // After readiness (registered above): the alert rules read the verdict this report produced.
    this.ingest.onReport((host, frame, _receivedAt, live) => this.alerts.sources.onReport(host, frame, live));
    for (const sink of this.sinks) if (sink instanceof InfluxSink) sink.onHealth = (ok, error) => this.alerts.sources.onInfluxHealth(ok, error);

    this.board = new BoardServices({
      db: this.db,
      config,
      hosts: this.hosts,
      readiness: this.readiness,
      alerts: this.alerts,
      hostView: (id) => {
        const host = this.hosts.get(id);
        return host ? hostSummary(host, this.readiness.get(id), this.gateway.connection(id) !== undefined) : undefined;
      },
      policy: () => this.policies.current(),
      reloadPolicy: () => this.reloadPolicy(),
      policyStatus: () => this.policies.status(),
      log,
      now,
    });

    const app = express();
    app.disable('x-powered-by');
    app.use(this.board.guard());
    app.get('/healthz', (_req, res) => {
      res.json({ status: 'ok', version: COLLECTOR_VERSION, agentsConnected: this.gateway.connections().length, influx: config.influx ? 'configured' : 'disabled', policy: this.policies.status() });
    });
    // Public: installers and agents fetch packages and install lines without a user.
    app.use(downloadsRouter({ packagesDir: config.packages.dir, catalog: this.releases, publicUrl: config.publicUrl, releaseKey: config.updates.publicKey, tls: Boolean(config.tls) }));
    app.use(enrollRouter({ hosts: this.hosts, secrets: this.secrets, configSecrets: config.enroll.secrets, rate: config.gateway.enrollRate, events: this.events, log, now }));
    app.use(enrollmentAdminRouter({ hosts: this.hosts, secrets: this.secrets, events: this.events, configSecrets: config.enroll.secrets.length, revoked: (ids) => this.gateway.revoked(ids), now }));
    app.use(hostsRouter({ hosts: this.hosts, readiness: this.readiness, readinessStore, connection: (id) => this.gateway.connection(id), now }));
    app.use(inventoryRouter({ hosts: this.hosts, store: inventoryStore, now }));
    app.use(alertsRouter({ alerts: this.alerts, hosts: this.hosts, deliveries: (q) => this.notifier.history(q), now }));
    app.get('/v1/policy', (_req, res) => {
      res.json(this.policies.status());
    });
    app.use(this.board.routes());
    app.use(errorHandler);

    const timeouts = serverTimeouts(config.gateway);
    this.server = config.tls ? https.createServer({ ...loadTls(config.tls), ...timeouts }, app) : http.createServer(timeouts, app);
    this.gateway = new Gateway(this.server, this.hosts, {
      hosts: this.hosts,
      ingest: this.ingest,
      policies: this.policies,
      log,
      now,
      limits: config.gateway,
      onInvalidFrame: () => (this.framesInvalid += 1),
      onDuplicate: (host, info) => this.events.record(host.id, 'duplicate_identity', { hostname: host.hostname, ...info }, now()),
      onHello: (conn) => {
        log.info({ host: conn.host.id, hostname: conn.host.hostname, agentVersion: conn.host.agentVersion }, 'agent connected');
        this.alerts.sources.onHello(conn.host, conn.clockSkewMs);
      },
      onPolicySent: (conn) => this.readiness.policySent(conn.host, now()),
      inventoryHash: (hostId) => this.inventory.hash(hostId),
      updateOffer: (host) => offerFor(config.updates, this.releases, host),
      onInventory: (conn, frame) => this.inventory.receive(conn, conn.host, frame),
      onHeard: (conn, at) => this.readiness.heard(conn.host.id, at),
      onAcked: (ms) => this.ackTimes.record(ms),
      onGoodbye: (conn, reason) => {
        log.info({ host: conn.host.id, reason }, 'agent said goodbye');
        this.readiness.goodbye(conn.host, reason, now());
      },
    });
    this.selfMetrics = new SelfMetrics({ name: os.hostname(), write: (points) => this.writePoints(points), now });
    this.selfMetrics.add(() => ({
      agents_connected: this.gateway.connections().length,
      reports_received: this.ingest.counters.received,
      reports_duplicate: this.ingest.counters.duplicate,
      status_points_skipped: this.ingest.thinning.skipped,
      frames_invalid: this.framesInvalid,
    }));
    this.selfMetrics.add(() => {
      const n = this.notifier.counters();
      return { webhook_sent: n.sent, webhook_failed: n.failed + n.dead, webhook_retried: n.retried };
    });
    this.selfMetrics.add(() => ({ alerts_firing: this.alerts.counters().firing }));
    this.selfMetrics.add(() => this.loopDelay.fields());
    this.selfMetrics.add(() => this.ackTimes.fields('report_ack'));
    this.selfMetrics.add(() => {
      const b = this.gateway.budget.stats();
      return { reports_in_work: b.inWork, frames_held_bytes: b.heldBytes, agents_waiting: b.waiting, agents_waited_total: b.waits };
    });
    for (const sink of this.sinks) if (sink instanceof InfluxSink) this.selfMetrics.add(() => ({ ...influxFields(sink.stats()), ...sink.spill.appendTimes.fields('influx_spill_append') }));
    // Hosts revoked from the command line while the collector runs lose their connection (4401).
    this.storeChanges = new StoreChangeWatcher(this.db, config.gateway.revocationCheckMs);
    this.storeChanges.onChange(() => {
      this.hosts.changedElsewhere();
      this.gateway.revoked(this.hosts.revokedAmong(this.gateway.connections().map((c) => c.host.id)));
    });
    this.policies.onChange(() => {
      this.gateway.connections().forEach((c) => c.pushPolicy());
      this.inventory.reevaluateAll();
    });
    this.releases.onChange(() => {
      const missing = missingReleases(config.updates, this.releases);
      if (missing.length > 0) log.warn({ missing, packages: config.packages.dir }, 'updates name releases that are not in the packages folder: nothing is offered for them');
      this.gateway.connections().forEach((c) => c.pushPolicy());
    });
  }

  async start(): Promise<AddressInfo> {
    await this.board.start();
    for (const sink of this.sinks) if (sink instanceof InfluxSink) await sink.init();
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ port: this.config.listen.port, host: this.config.listen.host, backlog: LISTEN_BACKLOG }, () => resolve());
    });
    this.policies.watch();
    this.releases.start(this.config.updates.rescanSec * 1000);
    this.readiness.start();
    this.storeChanges.start();
    this.events.pruneOld(Date.now());
    this.notifier.start();
    this.alerts.start();
    this.selfMetrics.start();
    const address = this.server.address() as AddressInfo;
    this.log.info({ address: address.address, port: address.port, influx: this.config.influx?.url ?? null, policy: this.policies.status().source }, 'collector listening');
    return address;
  }

  /** Re-reads the policy file (SIGHUP). */
  reloadPolicy(): boolean {
    return this.policies.reload();
  }

  /** Re-reads the TLS certificate and key (SIGHUP); new connections use them, open ones keep theirs. */
  reloadTls(): boolean {
    if (!this.config.tls || !(this.server instanceof https.Server)) return false;
    this.server.setSecureContext(loadTls(this.config.tls));
    return true;
  }

  async stop(): Promise<void> {
    this.policies.close();
    this.releases.stop();
    this.readiness.stop();
    this.storeChanges.stop();
    this.selfMetrics.stop();
    this.loopDelay.stop();
    saveRestartNotice(this.config.dataDir, Date.now(), this.gateway.closeAll(CloseCode.restarting, 'collector restarting'));
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    await Promise.all(this.sinks.map((s) => s.close()));
    this.alerts.stop();
    this.board.stop();
    await this.notifier.stop();
    this.ingest.flush();
    this.db.close();
  }

  /** Where people reach this collector: `publicUrl`, else the address it listens on. */
  private publicUrl(): string {
    if (this.config.publicUrl) return this.config.publicUrl;
    const address = this.server.address() as AddressInfo | null;
    const host = this.config.listen.host.includes(':') ? `[${this.config.listen.host}]` : this.config.listen.host;
    return `${this.config.tls ? 'https' : 'http'}://${host}:${address?.port ?? this.config.listen.port}`;
  }

  private writePoints(points: Point[]): void {
    for (const sink of this.sinks) {
      sink.write(points).catch((err: Error) => this.log.warn({ err: err.message, sink: sink.name }, 'points not written'));
    }
  }
}
