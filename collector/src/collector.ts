import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloseCode } from '@siaga/shared';
import express from 'express';
import { enrollRouter } from './api/enroll.js';
import { errorHandler } from './api/errors.js';
import { hostsRouter } from './api/hosts.js';
import type { CollectorConfig } from './config.js';
import { Gateway } from './gateway/server.js';
import { Ingest } from './ingest/ingest.js';
import type { Logger } from './log.js';
import { type PolicyProvider, StaticPolicyProvider } from './policy/provider.js';
import { InfluxSink } from './sinks/influx.js';
import type { Sink } from './sinks/types.js';
import { type Db, openDatabase } from './store/db.js';
import { HostStore } from './store/hosts.js';
import { SecretStore } from './store/secrets.js';
import { COLLECTOR_VERSION } from './version.js';

/**
 * The collector process: one HTTP port for the REST API, enrollment and the agent WebSocket;
 * the SQLite store; InfluxDB when configured.
 */
export class Collector {
  readonly db: Db;
  readonly hosts: HostStore;
  readonly secrets: SecretStore;
  readonly ingest: Ingest;
  private readonly sinks: Sink[] = [];
  private readonly server: http.Server;
  private readonly gateway: Gateway;
  private readonly policies: PolicyProvider;

  constructor(
    private readonly config: CollectorConfig,
    private readonly log: Logger,
    now: () => number = Date.now,
  ) {
    this.db = openDatabase(config.dataDir);
    this.hosts = new HostStore(this.db);
    this.secrets = new SecretStore(this.db);
    if (config.influx) this.sinks.push(new InfluxSink(config.influx, log));
    this.ingest = new Ingest(this.hosts, this.sinks, log);
    this.policies = new StaticPolicyProvider();

    const app = express();
    app.disable('x-powered-by');
    app.get('/healthz', (_req, res) => {
      res.json({ status: 'ok', version: COLLECTOR_VERSION, agentsConnected: this.gateway.connections().length, influx: config.influx ? 'configured' : 'disabled' });
    });
    app.use(enrollRouter({ hosts: this.hosts, secrets: this.secrets, configSecrets: config.enroll.secrets, log, now }));
    app.use(hostsRouter({ hosts: this.hosts, isConnected: (id) => this.gateway.connection(id) !== undefined }));
    app.use(errorHandler);

    this.server = http.createServer(app);
    this.gateway = new Gateway(this.server, this.hosts, {
      hosts: this.hosts,
      ingest: this.ingest,
      policies: this.policies,
      log,
      now,
      onHello: (conn) => log.info({ host: conn.host.id, hostname: conn.host.hostname }, 'agent connected'),
      onGoodbye: (conn, reason) => log.info({ host: conn.host.id, reason }, 'agent said goodbye'),
    });
    this.policies.onChange(() => this.gateway.connections().forEach((c) => c.pushPolicy()));
  }

  async start(): Promise<AddressInfo> {
    for (const sink of this.sinks) if (sink instanceof InfluxSink) await sink.init();
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.config.listen.port, this.config.listen.host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    this.log.info({ address: address.address, port: address.port, influx: this.config.influx?.url ?? null }, 'collector listening');
    return address;
  }

  async stop(): Promise<void> {
    this.gateway.closeAll(CloseCode.restarting, 'collector restarting');
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    await Promise.all(this.sinks.map((s) => s.close()));
    this.db.close();
  }
}
