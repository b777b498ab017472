import type { CheckResult, ReportFrame } from '@siaga/shared';
import { hostTags } from '../ingest/points.js';
import type { Logger } from '../log.js';
import type { PolicyProvider } from '../policy/provider.js';
import type { Point } from '../sinks/types.js';
import type { HostRecord, HostStore } from '../store/hosts.js';
import type { HistoryEntry, ReadinessStore, StoredReadiness } from '../store/readiness.js';
import { type HostReadiness, type Reason, VERDICT_CODE, type Verdict, type VerdictChange } from './types.js';
import { type Evidence, judge } from './verdict.js';

export interface ReadinessDeps {
  hosts: HostStore;
  policies: PolicyProvider;
  store: ReadinessStore;
  /** Sends points to the metric sinks; failures are the sinks' business. */
  write: (points: Point[]) => void;
  log: Logger;
  now: () => number;
  /** How often offline is looked for; also the resolution of `offline` timing. */
  sweepMs?: number;
  /** Every host's verdict is also written on this period, so dashboards have a continuous series. */
  heartbeatMs?: number;
  /** When the agents a restarting collector sent away are due back (restart-notice.ts): no host is offline before. */
  agentsBackBy?: number;
}

interface State extends StoredReadiness {
  /** The host as last seen, so the once-a-second sweep needs no database reads. */
  host: HostRecord | undefined;
  /** Policy version the agent last reported, and when the collector started expecting another. */
  runsPolicy: string | undefined;
  policySince: number;
  /** When this state was last written to the store. */
  savedAt: number;
  /** From when the clock alone can change the verdict or its reasons: the sweep judges the host again then. */
  dueAt: number;
  /** When its connection last delivered a frame (see Evidence.heardAt). */
  heardAt?: number;
}

/**
 * Check results that only refresh (same verdict, same reasons) are written at most this often per
 * host. A verdict or reason change is written at once; what waits is observed values, which the
 * next report replaces after a restart anyway. Every 30 s, a 15,000-host fleet cost 500 writes/s.
 */
const CHECKS_SAVE_MS = 120_000;

/** Check results with the inventory's, without copying in the common case of no inventory checks. */
const allChecks = (s: State): CheckResult[] => (s.inventoryChecks.length === 0 ? s.checks : [...s.checks, ...s.inventoryChecks]);

const reasonKey = (reasons: readonly Reason[]) => reasons.map((r) => `${r.check}/${r.instance ?? ''}/${r.status}`).join('|');

/**
 * From when the clock alone can change a judgement: going offline (after the start-up grace), or
 * being on an old policy too long. An offline host is judged every sweep (its reason counts the
 * seconds); one that signed off or never reported waits for its next report.
 */
function clockDue(e: Evidence, verdict: Verdict, staleAt: number, now: number): number {
  if (e.lastLiveAt === null || (e.goodbye && e.goodbye.at >= e.lastLiveAt)) return Infinity;
  if (verdict === 'offline') return now;
  // judge: offline once now - max(lastLiveAt, heardAt, graceUntil - freshness) > freshness.
  const offlineAt = Math.max(e.lastLiveAt, e.heardAt ?? 0, e.graceUntil - e.freshnessMs) + e.freshnessMs + 1;
  return Math.min(offlineAt, staleAt + 1);
}

/**
 * Keeps every host's verdict (ready / degraded / not_ready / offline / unknown) with its reasons,
 * from live reports, goodbyes, inventory checks and the collector's clock. Each change is stored,
 * written to InfluxDB (`siaga_readiness`) and announced to listeners (alerts, the board).
 */
export class ReadinessEngine {
  private readonly states = new Map<string, State>();
  private readonly listeners: Array<(change: VerdictChange) => void> = [];
  /** Hosts whose state changed since it was saved; `urgent` ones (verdict or reasons changed) are saved within the tick. */
  private readonly dirty = new Set<string>();
  private readonly urgent = new Set<string>();
  private history: Array<HistoryEntry & { hostId: string }> = [];
  private flushScheduled = false;
  /** Between start() and stop(); outside it a verdict change is written at once. */
  private running = false;
  private timers: NodeJS.Timeout[] = [];
  private readonly startedAt: number;

  constructor(private readonly deps: ReadinessDeps) {
    this.startedAt = deps.now();
    const hosts = new Map(deps.hosts.list().map((h) => [h.id, h]));
    for (const s of deps.store.loadAll()) this.states.set(s.hostId, { ...s, host: hosts.get(s.hostId), runsPolicy: undefined, policySince: this.startedAt, savedAt: this.startedAt, dueAt: 0 });
    // Another policy can mean another freshness or agent policy version for any host.
    deps.policies.onChange(() => {
      for (const s of this.states.values()) s.dueAt = 0;
    });
  }

  start(): void {
    this.running = true;
    this.timers.push(setInterval(() => this.sweep(), this.deps.sweepMs ?? 1_000));
    this.timers.push(setInterval(() => this.heartbeat(), this.deps.heartbeatMs ?? 60_000));
    this.timers.forEach((t) => t.unref());
  }

  stop(): void {
    this.running = false;
    this.timers.forEach((t) => clearInterval(t));
    this.timers = [];
    this.flush('all');
  }

  onChange(listener: (change: VerdictChange) => void): void {
    this.listeners.push(listener);
  }

  get(hostId: string): HostReadiness | undefined {
    const s = this.states.get(hostId);
    return s ? this.view(s) : undefined;
  }

  /** The verdict part of a host's state, without a copy (the alert tick asks for every host every second). */
  verdictOf(hostId: string): Readonly<Omit<HostReadiness, 'checks'>> | undefined {
    return this.states.get(hostId);
  }

  all(): HostReadiness[] {
    return [...this.states.values()].map((s) => this.view(s));
  }

  /** A stored report. Only live reports speak for the present; replayed backlog does not. */
  report(host: HostRecord, frame: ReportFrame, receivedAt: number, live: boolean): void {
    if (!live) return;
    const s = this.state(host);
    s.checks = frame.checks;
    s.lastLiveAt = receivedAt;
    if (s.runsPolicy !== frame.policyVersion) {
      s.runsPolicy = frame.policyVersion;
      s.policySince = receivedAt;
    }
    this.evaluate(host, receivedAt);
  }

  /**
   * The host's connection delivered a frame, which may wait a while before it is processed when
   * the collector is busy: until then the host counts as talking and does not go offline. It
   * does not bring an offline host back: that takes a live report (a host replaying a day of
   * backlog is not judged on its old checks). Costs a map lookup; the sweep judges it when due.
   */
  heard(hostId: string, at: number): void {
    const s = this.states.get(hostId);
    if (s && s.verdict !== 'offline' && (s.heardAt ?? 0) < at) s.heardAt = at;
  }

  goodbye(host: HostRecord, reason: string, at: number): void {
    const s = this.state(host);
    s.goodbye = { reason, at };
    this.evaluate(host, at);
  }

  /** The policy a host should run changed (or it just connected and was told its policy). */
  policySent(host: HostRecord, at: number): void {
    const s = this.state(host);
    s.policySince = at;
    s.dueAt = 0;
  }

  inventoryChecks(host: HostRecord, checks: CheckResult[]): void {
    this.state(host).inventoryChecks = checks;
    this.evaluate(host, this.deps.now());
  }

  /**
   * Judges again the hosts the clock may have changed (gone offline, still on an old policy) or
   * whose policy changed. A fleet of reporting hosts costs a comparison per host.
   */
  sweep(): void {
    const now = this.deps.now();
    for (const s of this.states.values()) {
      if (now >= s.dueAt && s.host && s.host.revokedAt === null) this.evaluate(s.host, now);
    }
    this.flush('due');
  }

  /** Forgets a host (revoked or deleted): it is no longer judged. */
  forget(hostId: string): void {
    this.states.delete(hostId);
    this.dirty.delete(hostId);
    this.urgent.delete(hostId);
  }

  private state(host: HostRecord): State {
    let s = this.states.get(host.id);
    if (!s) {
      const now = this.deps.now();
      s = { hostId: host.id, host, verdict: 'unknown', expected: false, since: now, reasons: [], checks: [], inventoryChecks: [], lastLiveAt: null, goodbye: null, runsPolicy: undefined, policySince: now, savedAt: 0, dueAt: 0 };
      this.states.set(host.id, s);
    }
    s.host = host;
    return s;
  }

  private view(s: State): HostReadiness {
    return { hostId: s.hostId, verdict: s.verdict, expected: s.expected, since: s.since, reasons: s.reasons, checks: allChecks(s), lastLiveAt: s.lastLiveAt };
  }

  private evaluate(host: HostRecord, now: number): void {
    const s = this.state(host);
    const policy = this.deps.policies.forHost(host);
    const intervalMs = policy.agent.intervalSec * 1000;
    const staleAt = s.runsPolicy !== policy.agent.version ? s.policySince + 2 * intervalMs + 10_000 : Infinity;
    const stale = s.lastLiveAt !== null && now > staleAt;
    const evidence = {
      checks: allChecks(s),
      lastLiveAt: s.lastLiveAt,
      heardAt: s.heardAt,
      goodbye: s.goodbye,
      freshnessMs: policy.freshnessSec * 1000,
      graceUntil: Math.max(this.startedAt, this.deps.agentsBackBy ?? 0) + policy.freshnessSec * 1000,
      stalePolicy: stale ? { runs: s.runsPolicy, expected: policy.agent.version, since: s.policySince } : null,
    };
    const j = judge(evidence, now);
    s.dueAt = clockDue(evidence, j.verdict, staleAt, now);
    const verdictChanged = j.verdict !== s.verdict || j.expected !== s.expected;
    const reasonsChanged = reasonKey(j.reasons) !== reasonKey(s.reasons);
    const previous = { verdict: s.verdict, expected: s.expected };
    s.reasons = j.reasons;
    if (!verdictChanged && !reasonsChanged) {
      this.dirty.add(s.hostId);
      return;
    }
    if (verdictChanged) {
      s.verdict = j.verdict;
      s.expected = j.expected;
      s.since = now;
    }
    this.dirty.add(s.hostId);
    this.urgent.add(s.hostId);
    this.history.push({ hostId: s.hostId, at: s.since, verdict: s.verdict, expected: s.expected, reasons: s.reasons });
    this.scheduleFlush();
    this.deps.write([this.point(host, s, now)]);
    if (verdictChanged) {
      this.deps.log.info({ host: host.id, hostname: host.hostname, from: previous.verdict, to: s.verdict, reasons: s.reasons.map((r) => r.reason) }, 'verdict changed');
    }
    const change: VerdictChange = { hostId: s.hostId, previous, current: this.view(s), at: now };
    for (const l of this.listeners) {
      try {
        l(change);
      } catch (err) {
        this.deps.log.error({ err: (err as Error).message }, 'verdict listener failed');
      }
    }
  }

  /** A verdict change is written within the tick: all of a tick's changes (a site going offline) in one transaction. */
  private scheduleFlush(): void {
    if (!this.running) return this.flush('urgent');
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush('urgent');
    });
  }

  /**
   * Writes the states of hosts whose verdict or reasons changed (`urgent`), and with `due` also
   * refreshed check results, at most every CHECKS_SAVE_MS per host.
   */
  private flush(mode: 'urgent' | 'due' | 'all'): void {
    const ids = mode === 'urgent' ? this.urgent : this.dirty;
    if (ids.size === 0 && this.history.length === 0) return;
    const now = this.deps.now();
    const states: State[] = [];
    for (const id of ids) {
      const s = this.states.get(id);
      if (s && mode === 'due' && !this.urgent.has(id) && now - s.savedAt < CHECKS_SAVE_MS) continue;
      this.dirty.delete(id);
      this.urgent.delete(id);
      if (!s) continue;
      s.savedAt = now;
      states.push(s);
    }
    const history = this.history;
    this.history = [];
    this.deps.store.saveMany(states, history, now);
  }

  private heartbeat(): void {
    const now = this.deps.now();
    const points: Point[] = [];
    for (const s of this.states.values()) {
      if (s.host && s.host.revokedAt === null) points.push(this.point(s.host, s, now));
    }
    if (points.length > 0) this.deps.write(points);
  }

  private point(host: HostRecord, s: State, now: number): Point {
    return {
      measurement: 'siaga_readiness',
      tags: hostTags(host),
      fields: {
        verdict_code: VERDICT_CODE[s.verdict],
        verdict: s.verdict,
        expected: s.expected ? 1 : 0,
        reasons: s.reasons.map((r) => r.reason).join('; ').slice(0, 1000) || 'all checks pass',
        failing_checks: s.reasons.filter((r) => r.status === 'fail' && r.check !== 'offline').length,
        warning_checks: s.reasons.filter((r) => r.status === 'warn').length,
      },
      time: now,
    };
  }
}

export type { HostReadiness, Verdict, VerdictChange };
