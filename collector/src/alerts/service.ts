import os from 'node:os';
import type { Logger } from '../log.js';
import type { PolicyProvider } from '../policy/provider.js';
import type { Db } from '../store/db.js';
import { loadAckKey } from './ack-token.js';
import type { AlertsConfig } from './config.js';
import type { AlertNotifier } from './dispatch.js';
import { type AlertCounters, AlertEngine } from './engine.js';
import { MaintenanceStore } from './maintenance.js';
import { SilenceStore } from './silences.js';
import { AlertSources, type AlertSourcesDeps } from './sources.js';
import { AlertStore } from './store.js';

export interface AlertServiceDeps {
  db: Db;
  dataDir: string;
  config: AlertsConfig;
  notifier: AlertNotifier;
  hosts: AlertSourcesDeps['hosts'];
  policies: PolicyProvider;
  readiness: AlertSourcesDeps['readiness'];
  publicUrl: () => string;
  log: Logger;
  now: () => number;
  /** How often clock-driven conditions and group timers are evaluated. */
  tickMs?: number;
}

/** Everything the alert engine is made of, built from the collector's parts, with its timer. */
export class AlertService {
  readonly store: AlertStore;
  readonly silences: SilenceStore;
  readonly maintenance: MaintenanceStore;
  readonly engine: AlertEngine;
  readonly sources: AlertSources;
  readonly ackKey: Buffer;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: AlertServiceDeps) {
    this.store = new AlertStore(deps.db);
    this.silences = new SilenceStore(deps.db);
    this.maintenance = new MaintenanceStore(deps.db);
    this.ackKey = loadAckKey(deps.dataDir);
    this.engine = new AlertEngine({ store: this.store, silences: this.silences, maintenance: this.maintenance, notifier: deps.notifier, config: deps.config, ackKey: this.ackKey, publicUrl: deps.publicUrl, log: deps.log, now: deps.now });
    this.sources = new AlertSources({ engine: this.engine, config: deps.config, hosts: deps.hosts, policies: deps.policies, readiness: deps.readiness, collectorName: os.hostname(), now: deps.now });
  }

  /** Alerts pending, firing, suppressed, flapping; notifications, escalations, acknowledgements since start. */
  counters(): AlertCounters {
    return this.engine.counters();
  }

  start(): void {
    if (!this.deps.config.enabled || this.timer) return;
    this.timer = setInterval(() => {
      try {
        this.sources.tick();
      } catch (err) {
        this.deps.log.error({ err: (err as Error).message }, 'alert evaluation failed');
      }
    }, this.deps.tickMs ?? 1_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
