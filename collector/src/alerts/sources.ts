import type { ReportFrame } from '@siaga/shared';
import { inBusinessHours } from '../policy/business-hours.js';
import type { PolicyProvider } from '../policy/provider.js';
import type { HostReadiness } from '../readiness/types.js';
import type { HostRecord } from '../store/hosts.js';
import type { AlertsConfig } from './config.js';
import type { AlertEngine } from './engine.js';
import { agentBufferSample, alertKey, clockSkewSample, influxSample, notReadySamples, offlineSample, type SiteCounts, siteOutageSample, spoolOf } from './rules.js';
import { type Sample, siteHost } from './types.js';

export interface AlertSourcesDeps {
  engine: AlertEngine;
  config: AlertsConfig;
  /** `revision` changes whenever a host is added, revoked or its labels change. */
  hosts: { list(): HostRecord[]; readonly revision: number };
  policies: PolicyProvider;
  readiness: { get(hostId: string): HostReadiness | undefined; verdictOf(hostId: string): Readonly<Omit<HostReadiness, 'checks'>> | undefined };
  /** Names the collector in its own alerts (InfluxDB writes). */
  collectorName: string;
  now: () => number;
}

const HOSTS_CACHE_MS = 5_000;

/**
 * Turns what the collector learns into rule evaluations: live reports (failing checks, the
 * agent's spool), hellos (clock skew), InfluxDB write outcomes, and on every tick the clock-driven
 * conditions (offline within business hours and after the start-up grace, site outages).
 * Replayed backlog never reaches it: only live data speaks for the present.
 */
export class AlertSources {
  private readonly startedAt: number;
  private readonly dropped = new Map<string, number>();
  private hostCache: { at: number; revision: number; hosts: HostRecord[] } | undefined;

  constructor(private readonly deps: AlertSourcesDeps) {
    this.startedAt = deps.now();
  }

  private get base() {
    return { clearAfter: this.deps.config.clearAfter };
  }

  /** A stored report; ignored unless live. Call after readiness has judged it. */
  onReport(host: HostRecord, frame: ReportFrame, live: boolean): void {
    if (!this.deps.config.enabled || !live || host.revokedAt !== null) return;
    const { engine, config } = this.deps;
    const samples: Sample[] = [];
    const checks = this.deps.readiness.get(host.id)?.checks ?? frame.checks;
    samples.push(...notReadySamples(host, checks, engine.knownKeys(host.id, 'host_not_ready'), config.rules, this.base));
    const spool = spoolOf(frame);
    if (spool) {
      const s = agentBufferSample(host, spool, this.dropped.get(host.id), config.rules, this.base);
      if (s) samples.push(s);
      this.dropped.set(host.id, spool.dropped);
    }
    engine.sample(samples);
  }

  /** An agent said hello; `skewMs` is collector minus agent clock. */
  onHello(host: HostRecord, skewMs: number): void {
    if (!this.deps.config.enabled) return;
    const s = clockSkewSample(host, skewMs, this.deps.config.rules, this.base);
    if (s) this.deps.engine.sample([s]);
  }

  onInfluxHealth(ok: boolean, error?: string): void {
    if (!this.deps.config.enabled) return;
    const s = influxSample(this.deps.collectorName, ok, error, this.deps.config.rules, this.base);
    if (s) this.deps.engine.sample([s]);
  }

  /** Clock-driven conditions, then the engine's own timers. */
  tick(): void {
    if (!this.deps.config.enabled) return;
    const now = this.deps.now();
    const samples: Sample[] = [];
    const sites = new Map<string, SiteCounts>();
    const windowMs = this.deps.config.rules.site_outage.window * 1000;
    let siteGraceOver = true;
    // Business hours once per site and tick, not once per host: a time-zone conversion is not free.
    const openBySite = new Map<object, boolean>();
    for (const host of this.hosts(now)) {
      if (host.revokedAt !== null) continue;
      const r = this.deps.readiness.verdictOf(host.id);
      if (!r || r.lastLiveAt === null) continue;
      const policy = this.deps.policies.forHost(host);
      const graceOver = now >= this.startedAt + (policy.freshnessSec + this.deps.config.startupGrace) * 1000;
      const site = policy.site;
      const offline = r.verdict === 'offline' && !r.expected;
      let open = true;
      if (offline && site) {
        open = openBySite.get(site) ?? inBusinessHours(now, site.timezone, site.businessHours);
        openBySite.set(site, open);
      }
      const active = offline && open && graceOver;
      if (active !== this.deps.engine.hasActive(host.id, 'host_offline')) {
        const reason = r.reasons.find((x) => x.check === 'offline')?.reason ?? 'No live report';
        const s = offlineSample(host, active, reason, this.deps.config.rules, this.base);
        if (s) samples.push(s);
      }
      if (host.site) {
        const c = sites.get(host.site) ?? { site: host.site, total: 0, offline: 0, offlineRecently: 0 };
        c.total += 1;
        if (offline && open) {
          c.offline += 1;
          if (now - r.since <= windowMs) c.offlineRecently += 1;
        }
        sites.set(host.site, c);
        if (!graceOver) siteGraceOver = false;
      }
    }
    if (siteGraceOver) {
      for (const c of sites.values()) {
        const key = alertKey(siteHost(c.site), 'site_outage');
        const wasActive = this.deps.engine.isActive(key);
        const s = siteOutageSample(c, wasActive, this.deps.config.rules, this.base);
        if (s && s.active !== wasActive) samples.push(s);
      }
    }
    this.deps.engine.sample(samples);
    this.deps.engine.tick();
  }

  /** The host list, read again only after a change, and at most every HOSTS_CACHE_MS (a fleet reconnecting changes it thousands of times). */
  private hosts(now: number): HostRecord[] {
    const revision = this.deps.hosts.revision;
    if (!this.hostCache || (revision !== this.hostCache.revision && now - this.hostCache.at > HOSTS_CACHE_MS)) this.hostCache = { at: now, revision, hosts: this.deps.hosts.list() };
    return this.hostCache.hosts;
  }
}
