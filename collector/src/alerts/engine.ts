import { randomUUID } from 'node:crypto';
import { ErrorCode, SiagaError } from '@siaga/shared';
import type { Logger } from '../log.js';
import type { AlertsConfig } from './config.js';
import { type AlertNotifier, Dispatcher } from './dispatch.js';
import { choosePolicy } from './escalation.js';
import { type FlapState, isQuiet, percentStateChange, recordEvaluation } from './flap.js';
import { type GroupTiming, planGroup } from './grouping.js';
import { HostKeyedMap } from './host-keyed-map.js';
import { inhibitedBy, siteOutages } from './inhibit.js';
import { observe, promote, startAlert } from './lifecycle.js';
import type { MaintenanceStore } from './maintenance.js';
import { groupKeyOf } from './notification.js';
import type { SilenceStore } from './silences.js';
import type { AlertStore } from './store.js';
import type { Alert, AlertEvent, AlertEventType, Group, Sample } from './types.js';

export interface AlertEngineDeps {
  store: AlertStore;
  silences: SilenceStore;
  maintenance: MaintenanceStore;
  notifier: AlertNotifier;
  config: AlertsConfig;
  /** Signs acknowledge links. */
  ackKey: Buffer;
  /** The collector's public base URL (links in notifications). */
  publicUrl: () => string;
  log: Logger;
  now: () => number;
}

/** Gauges of now and counters since start, for metrics. */
export interface AlertCounters {
  pending: number;
  firing: number;
  /** Firing but silenced, in maintenance, inhibited or flapping. */
  suppressed: number;
  flapping: number;
  notifications: number;
  escalations: number;
  acknowledgements: number;
}

/**
 * The alert engine: evaluations (samples) drive each condition's alert through
 * pending → firing → resolved; `tick` promotes pending alerts, applies silences, maintenance,
 * inhibition and flapping, and dispatches every group with Alertmanager's timing and the
 * escalation policy's tiers. Everything it decides is written to SQLite before it is sent.
 */
export class AlertEngine {
  /** Alerts not yet closed, by id. */
  private readonly open = new Map<string, Alert>();
  /** Pending or firing alert of each condition. */
  private readonly active = new HostKeyedMap<Alert>();
  private readonly groups = new Map<string, Group>();
  private readonly series: HostKeyedMap<FlapState>;
  private readonly dispatcher: Dispatcher;
  private readonly timing: GroupTiming;
  private readonly count = { notifications: 0, escalations: 0, acknowledgements: 0 };
  private readonly log: Logger;
  private readonly listeners: Array<(event: AlertEvent, alert: Alert) => void> = [];

  constructor(private readonly deps: AlertEngineDeps) {
    this.log = deps.log.child({ module: 'alerts' });
    for (const a of deps.store.openAlerts()) {
      this.open.set(a.id, a);
      if (a.state !== 'resolved') this.active.set(a.key, a);
    }
    for (const g of deps.store.groups()) this.groups.set(g.key, g);
    this.series = new HostKeyedMap(deps.store.series());
    this.dispatcher = new Dispatcher({ ...deps, log: this.log }, (a, type, detail, at) => this.record(a, type, detail, at));
    const g = deps.config.grouping;
    this.timing = { groupWaitMs: g.groupWait * 1000, groupIntervalMs: g.groupInterval * 1000, repeatIntervalMs: g.repeatInterval * 1000, sendResolved: g.sendResolved };
  }

  /** Applies evaluations, all in one transaction. */
  sample(samples: readonly Sample[]): void {
    if (samples.length === 0) return;
    const now = this.deps.now();
    this.deps.store.transaction(() => {
      for (const s of samples) this.apply(s, now);
    });
  }

  /** Time-driven work: `for` expiry, suppression, group dispatch and escalation. */
  tick(): void {
    const now = this.deps.now();
    this.deps.store.transaction(() => {
      for (const a of this.active.values()) {
        if (promote(a, now)) {
          this.record(a, 'fired', { reason: a.reason }, now);
          this.deps.store.saveAlert(a);
        }
      }
      this.applySuppression(now);
    });
    this.dispatch(now);
  }

  /** Condition keys of a host and rule that are active or still in their flap window. */
  knownKeys(hostId: string, rule: string): string[] {
    return [...new Set([...this.active.keysOf(hostId, rule), ...this.series.keysOf(hostId, rule)])];
  }

  isActive(key: string): boolean {
    return this.active.has(key);
  }

  /** Whether the host has a pending or firing alert of this rule. */
  hasActive(hostId: string, rule: string): boolean {
    return this.active.hasAny(hostId, rule);
  }

  /** Called with every event as it is recorded (the board's live feed, the maintenance log). */
  onEvent(listener: (event: AlertEvent, alert: Alert) => void): void {
    this.listeners.push(listener);
  }

  openAlerts(): Alert[] {
    return [...this.open.values()];
  }

  /** Acknowledges one alert; once every firing alert of its group is acknowledged, escalation stops. */
  acknowledge(alertId: string, who: string, via: string): Alert {
    const alert = this.open.get(alertId);
    if (!alert || alert.state === 'resolved') {
      const known = alert ?? this.deps.store.getAlert(alertId);
      if (!known) throw new SiagaError(ErrorCode.notFound, `no alert with id ${alertId}`);
      throw new SiagaError(ErrorCode.invalidRequest, `alert ${alertId} is ${known.state}; only pending or firing alerts can be acknowledged`);
    }
    const now = this.deps.now();
    this.deps.store.transaction(() => {
      this.ackOne(alert, who, via, now);
      const group = this.groups.get(alert.groupKey);
      const firing = this.membersOf(alert.groupKey).filter((a) => a.state === 'firing');
      if (group && firing.every((a) => a.ackedBy !== null)) this.ackGroup(group, who, now);
    });
    return alert;
  }

  /** Acknowledges every firing or pending alert of a group (the link in a notification). */
  acknowledgeGroup(groupKey: string, who: string, via: string): Alert[] {
    const now = this.deps.now();
    const alerts = [...this.open.values()].filter((a) => a.groupKey === groupKey && a.state !== 'resolved');
    if (alerts.length === 0) throw new SiagaError(ErrorCode.notFound, `nothing to acknowledge: the alerts of ${groupKey} have resolved`);
    this.deps.store.transaction(() => {
      for (const a of alerts) if (a.ackedBy === null) this.ackOne(a, who, via, now);
      const group = this.groups.get(groupKey);
      if (group) this.ackGroup(group, who, now);
    });
    return alerts;
  }

  counters(): AlertCounters {
    let pending = 0;
    let firing = 0;
    let suppressed = 0;
    for (const a of this.active.values()) {
      if (a.state === 'pending') pending++;
      if (a.state === 'firing') firing++;
      if (a.state === 'firing' && a.suppressedBy !== null) suppressed++;
    }
    const flapping = [...this.series.values()].filter((s) => s.flapping).length;
    return { pending, firing, suppressed, flapping, ...this.count };
  }

  group(key: string): Group | undefined {
    return this.groups.get(key);
  }

  private apply(s: Sample, now: number): void {
    const series = this.series.get(s.key) ?? { history: [], flapping: false };
    const flap = recordEvaluation(series, s.active, this.deps.config.flap);
    if (isQuiet(series)) {
      if (this.series.delete(s.key)) this.deps.store.removeSeries(s.key);
    } else {
      this.series.set(s.key, series);
      this.deps.store.saveSeries(s.key, series);
    }

    let alert = this.active.get(s.key);
    if (!alert) {
      if (!s.active) return;
      const started = startAlert(s, `alr_${randomUUID()}`, groupKeyOf(s.labels.site ?? '', s.rule), now);
      alert = started.alert;
      this.open.set(alert.id, alert);
      this.active.set(alert.key, alert);
      for (const type of started.events) this.record(alert, type, { reason: alert.reason, labels: alert.labels }, now);
    } else {
      for (const type of observe(alert, s, now)) this.record(alert, type, type === 'fired' ? { reason: alert.reason } : {}, now);
    }
    if (flap === 'started') this.flappingStarted(alert, series, now);
    if (flap === 'stopped') this.record(alert, 'flap_stopped', { percent: Math.round(percentStateChange(series.history, this.deps.config.flap.window)) }, now);
    if (alert.state === 'resolved') {
      this.active.delete(alert.key);
      // Nobody was told it fired: nobody needs to hear it ended.
      if (alert.notifiedAt === null) alert.closed = true;
      if (alert.closed) this.open.delete(alert.id);
    }
    this.deps.store.saveAlert(alert);
  }

  /** One notice that the condition flaps; then its notifications pause until it settles. */
  private flappingStarted(alert: Alert, series: FlapState, now: number): void {
    const percent = Math.round(percentStateChange(series.history, this.deps.config.flap.window));
    this.record(alert, 'flapping', { percent, window: series.history.length }, now);
    if (alert.state !== 'firing' && alert.notifiedAt === null) return;
    const group = this.groups.get(alert.groupKey) ?? this.newGroup(alert, now);
    const notice: Alert = {
      ...alert,
      state: 'firing',
      summary: `Flapping: ${alert.summary}`,
      reason: `${alert.reason} — changed state in ${percent} % of the last ${series.history.length} evaluations; notifications pause until it settles`,
    };
    this.count.notifications += this.dispatcher.send(group, { kind: 'flapping', tiers: [Math.max(group.tier, 0)], alerts: [notice] }, now);
  }

  private applySuppression(now: number): void {
    const outages = siteOutages(this.open.values());
    for (const a of this.open.values()) {
      let by: string | null = null;
      const silence = this.deps.silences.silencing(a.labels, now);
      const inhibitor = inhibitedBy(a, outages);
      if (this.deps.maintenance.active(a.hostId, now)) by = 'maintenance';
      else if (silence) by = `silence:${silence.id}`;
      else if (inhibitor) by = `inhibited:${inhibitor}`;
      else if (this.series.get(a.key)?.flapping) by = 'flapping';
      if (by === a.suppressedBy) continue;
      a.suppressedBy = by;
      const type: AlertEventType | null = by === null ? 'unsuppressed' : by === 'maintenance' ? 'maintenance' : by.startsWith('silence:') ? 'silenced' : by.startsWith('inhibited:') ? 'inhibited' : null;
      if (type && a.state !== 'resolved') this.record(a, type, by === null ? {} : { by }, now);
      this.deps.store.saveAlert(a);
    }
  }

  private membersOf(groupKey: string): Alert[] {
    return [...this.open.values()].filter((a) => a.groupKey === groupKey && a.state !== 'pending');
  }

  private newGroup(first: Alert, now: number): Group {
    const group: Group = {
      key: first.groupKey,
      site: first.labels.site ?? '',
      rule: first.rule,
      createdAt: now,
      episodeStart: null,
      escalationStart: null,
      tier: -1,
      escalationPolicy: choosePolicy(this.deps.config.escalation, first.labels),
      lastFlushAt: null,
      lastSentAt: null,
      snapshot: '',
      ackedBy: null,
      ackedAt: null,
    };
    this.groups.set(group.key, group);
    this.deps.store.saveGroup(group);
    return group;
  }

  private dispatch(now: number): void {
    const byGroup = new Map<string, Alert[]>();
    for (const a of this.open.values()) {
      if (a.state === 'pending') continue;
      const list = byGroup.get(a.groupKey) ?? [];
      list.push(a);
      byGroup.set(a.groupKey, list);
    }
    const keys = new Set([...byGroup.keys(), ...this.groups.keys()]);
    for (const key of keys) {
      const all = byGroup.get(key) ?? [];
      const eligible = all.filter((a) => a.suppressedBy === null);
      let group = this.groups.get(key);
      if (!group) {
        const firing = eligible.filter((a) => a.state === 'firing');
        const first = firing[0];
        if (!first) {
          this.closeResolved(all);
          continue;
        }
        // The group appeared when its first alert fired (Alertmanager's group_wait counts from there).
        group = this.newGroup(first, Math.min(now, ...firing.map((a) => a.firedAt ?? now)));
      }
      const g = group;
      const before = JSON.stringify(g);
      this.deps.store.transaction(() => {
        const plan = planGroup(g, eligible, this.dispatcher.policyOf(g), this.timing, now);
        for (const send of plan.sends) {
          const made = this.dispatcher.send(g, send, now);
          this.count.notifications += made;
          if (send.kind === 'escalate') this.count.escalations += 1;
          for (const a of send.alerts) this.deps.store.saveAlert(a);
        }
        if (plan.ended) {
          this.groups.delete(g.key);
          this.deps.store.removeGroup(g.key);
          this.closeResolved(all);
        } else if (JSON.stringify(g) !== before) {
          this.deps.store.saveGroup(g);
        }
        for (const a of all) if (a.closed) this.open.delete(a.id);
      });
    }
  }

  private closeResolved(alerts: readonly Alert[]): void {
    for (const a of alerts) {
      if (a.state !== 'resolved' || a.closed) continue;
      a.closed = true;
      this.open.delete(a.id);
      this.deps.store.saveAlert(a);
    }
  }

  private ackOne(alert: Alert, who: string, via: string, now: number): void {
    alert.ackedBy = who;
    alert.ackedAt = now;
    this.deps.store.saveAlert(alert);
    this.record(alert, 'acknowledged', { by: who, via }, now);
    this.count.acknowledgements += 1;
  }

  /** Stops the group's escalation and tells the tiers paged so far who took it. */
  private ackGroup(group: Group, who: string, now: number): void {
    if (group.ackedBy !== null) return;
    group.ackedBy = who;
    group.ackedAt = now;
    this.deps.store.saveGroup(group);
    const firing = this.membersOf(group.key).filter((a) => a.state === 'firing' && a.suppressedBy === null);
    if (group.episodeStart === null || firing.length === 0) return;
    const tiers = Array.from({ length: group.tier + 1 }, (_, i) => i);
    this.count.notifications += this.dispatcher.send(group, { kind: 'update', tiers, alerts: firing }, now, who);
    for (const a of firing) this.deps.store.saveAlert(a);
  }

  private record(alert: Alert, type: AlertEventType, detail: Record<string, unknown>, at: number): void {
    const event: AlertEvent = { alertId: alert.id, hostId: alert.hostId, rule: alert.rule, at, type, detail };
    this.deps.store.addEvent(event);
    for (const l of this.listeners) {
      try {
        l(event, alert);
      } catch (err) {
        this.log.error({ err: (err as Error).message }, 'alert event listener failed');
      }
    }
    if (type !== 'notified') this.log.info({ alert: alert.id, host: alert.hostId, rule: alert.rule, event: type, ...detail }, `alert ${type}`);
  }
}
