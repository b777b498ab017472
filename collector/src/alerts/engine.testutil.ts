import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../log.js';
import type { Notification } from '../notify/index.js';
import { type Db, openDatabase } from '../store/db.js';
import { type AlertsConfig, alertsConfigSchema } from './config.js';
import { AlertEngine } from './engine.js';
import { MaintenanceStore } from './maintenance.js';
import { alertKey } from './rules.js';
import { SilenceStore } from './silences.js';
import { AlertStore } from './store.js';
import type { RuleName, Sample } from './types.js';

export const log = createLogger('silent');

/** Three tiers 0 s / 10 s / 60 s; group wait 5 s, interval 20 s, repeat 300 s. */
export function testConfig(overrides: Record<string, unknown> = {}): AlertsConfig {
  return alertsConfigSchema.parse({
    grouping: { groupWait: 5, groupInterval: 20, repeatInterval: 300 },
    escalation: {
      policies: {
        default: {
          tiers: [
            { name: 'L1 helpdesk', receivers: ['helpdesk'], after: 0 },
            { name: 'L2 technicians', receivers: ['techs'], after: 10 },
            { name: 'L3 specialists', receivers: ['specialists'], after: 60 },
          ],
        },
      },
    },
    ...overrides,
  });
}

export interface Sent {
  notification: Notification;
  receivers: readonly string[];
}

/** An engine on a real SQLite file with a hand-moved clock and a notifier that records. */
export class Harness {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'siaga-alerts-'));
  db: Db;
  clock = Date.UTC(2026, 0, 5, 9, 0, 0);
  readonly sent: Sent[] = [];
  engine!: AlertEngine;
  silences!: SilenceStore;
  maintenance!: MaintenanceStore;
  store!: AlertStore;
  private readonly key = randomBytes(32);

  constructor(readonly config: AlertsConfig = testConfig()) {
    this.db = openDatabase(this.dir);
    this.build();
  }

  /** A new engine on the same database, as after a collector restart. */
  restart(): void {
    this.db.close();
    this.db = openDatabase(this.dir);
    this.build();
  }

  private build(): void {
    this.store = new AlertStore(this.db);
    this.silences = new SilenceStore(this.db);
    this.maintenance = new MaintenanceStore(this.db);
    let n = 0;
    this.engine = new AlertEngine({
      store: this.store,
      silences: this.silences,
      maintenance: this.maintenance,
      notifier: {
        enqueue: (notification, receivers) => {
          this.sent.push({ notification, receivers });
          return receivers.map(() => `msg_${++n}`);
        },
      },
      config: this.config,
      ackKey: this.key,
      publicUrl: () => 'http://collector.test:8080',
      log,
      now: () => this.clock,
    });
  }

  /** Moves the clock in steps of `stepMs`, ticking after each. */
  advance(ms: number, stepMs = 1000): void {
    const end = this.clock + ms;
    while (this.clock < end) {
      this.clock = Math.min(end, this.clock + stepMs);
      this.engine.tick();
    }
  }

  close(): void {
    this.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A sample of `rule` for host `h<i>` at site `site`. */
export function sampleOf(i: number, active: boolean, options: { rule?: RuleName; site?: string; forMs?: number; clearAfter?: number; reason?: string; check?: string } = {}): Sample {
  const rule = options.rule ?? 'host_not_ready';
  const host = `h${i}`;
  const labels: Record<string, string> = { alertname: rule, host, hostname: `WS-${String(i).padStart(3, '0')}`, site: options.site ?? 'hq', severity: 'warning' };
  if (options.check) labels.check = options.check;
  return {
    key: alertKey(host, rule, options.check ?? ''),
    rule,
    hostId: host,
    active,
    labels,
    summary: `${labels.hostname} ${rule}`,
    reason: options.reason ?? 'Disk C: 3% free (needs 10%)',
    forMs: options.forMs ?? 0,
    clearAfter: options.clearAfter ?? 2,
  };
}
