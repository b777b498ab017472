import type { CheckResult, ReportFrame } from '@siaga/shared';
import type { RulesConfig, Severity } from './config.js';
import { COLLECTOR_HOST, type RuleName, type Sample, siteHost } from './types.js';

/** What the rules need to know about a host. */
export interface HostFacts {
  id: string;
  hostname: string;
  site: string | null;
  group: string | null;
}

/** The six built-in rules turn collector facts into samples (evaluations of one condition). */

export const alertKey = (hostId: string, rule: RuleName, check = '', instance = '') => `${hostId}/${rule}/${check}/${instance}`;

function labels(rule: RuleName, host: HostFacts | null, severity: Severity, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const out: Record<string, string> = { alertname: rule };
  const all: Record<string, string | null | undefined> = { host: host?.id, hostname: host?.hostname, site: host?.site, group: host?.group, ...extra, severity };
  // Prometheus convention: an empty label is an absent label.
  for (const [k, v] of Object.entries(all)) if (v) out[k] = v;
  return out;
}

interface Base {
  clearAfter: number;
}

function sample(rule: RuleName, key: string, hostId: string, active: boolean, lbls: Record<string, string>, summary: string, reason: string, forSec: number, clearAfter: number): Sample {
  return { key, rule, hostId, active, labels: lbls, summary, reason, forMs: forSec * 1000, clearAfter };
}

/**
 * Host not ready: one condition per failing check (and instance), with the check's own reason.
 * `known` are the check keys of this host that had alerts or recent activity: those not failing
 * now are sampled healthy.
 */
export function notReadySamples(host: HostFacts, checks: readonly CheckResult[], known: readonly string[], rules: RulesConfig, base: Base): Sample[] {
  const cfg = rules.host_not_ready;
  if (!cfg.enabled) return [];
  const out: Sample[] = [];
  const seen = new Set<string>();
  for (const c of checks) {
    if (c.status !== 'fail') continue;
    const override = cfg.checks[c.name] ?? {};
    if (override.enabled === false) continue;
    const key = alertKey(host.id, 'host_not_ready', c.name, c.instance);
    if (seen.has(key)) continue;
    seen.add(key);
    const severity = override.severity ?? cfg.severity;
    const what = c.instance ? `${c.name} ${c.instance}` : c.name;
    out.push(
      sample('host_not_ready', key, host.id, true, labels('host_not_ready', host, severity, { check: c.name, instance: c.instance }), `${host.hostname} not ready: ${what}`, c.reason, override.for ?? cfg.for, cfg.clearAfter ?? base.clearAfter),
    );
  }
  for (const key of known) {
    if (seen.has(key)) continue;
    out.push(sample('host_not_ready', key, host.id, false, {}, '', '', cfg.for, cfg.clearAfter ?? base.clearAfter));
  }
  return out;
}

/** Host offline while its site is open; `active` is decided by the caller (verdict, goodbye, hours, grace). */
export function offlineSample(host: HostFacts, active: boolean, reason: string, rules: RulesConfig, base: Base): Sample | undefined {
  const cfg = rules.host_offline;
  if (!cfg.enabled) return undefined;
  return sample('host_offline', alertKey(host.id, 'host_offline'), host.id, active, labels('host_offline', host, cfg.severity), `${host.hostname} offline`, reason, cfg.for, cfg.clearAfter ?? base.clearAfter);
}

const fmtSeconds = (ms: number) => `${Math.round(Math.abs(ms) / 1000)} s`;

/** Agent clock off by more than the threshold (collector minus agent clock at hello). */
export function clockSkewSample(host: HostFacts, skewMs: number, rules: RulesConfig, base: Base): Sample | undefined {
  const cfg = rules.clock_skew;
  if (!cfg.enabled) return undefined;
  const active = Math.abs(skewMs) > cfg.threshold * 1000;
  const direction = skewMs > 0 ? 'behind' : 'ahead of';
  const reason = `Agent clock is ${fmtSeconds(skewMs)} ${direction} the collector's (limit ${cfg.threshold} s)`;
  return sample('clock_skew', alertKey(host.id, 'clock_skew'), host.id, active, labels('clock_skew', host, cfg.severity), `${host.hostname} clock skew`, reason, cfg.for, cfg.clearAfter ?? base.clearAfter);
}

/** The spool fields of a report's `siaga_agent_spool` metric, if it has one. */
export function spoolOf(frame: ReportFrame): { dropped: number; degraded: boolean } | undefined {
  const m = frame.metrics.find((x) => x.m === 'siaga_agent_spool');
  if (!m) return undefined;
  const dropped = typeof m.fields.dropped === 'number' ? m.fields.dropped : 0;
  return { dropped, degraded: m.fields.degraded === 1 || m.fields.degraded === true };
}

/**
 * The agent's buffer loses data: `dropped` grew since the previous report (a lower value means
 * the agent restarted its count) or the spool runs degraded (memory only).
 */
export function agentBufferSample(host: HostFacts, spool: { dropped: number; degraded: boolean }, previousDropped: number | undefined, rules: RulesConfig, base: Base): Sample | undefined {
  const cfg = rules.agent_buffer;
  if (!cfg.enabled) return undefined;
  const grew = previousDropped !== undefined && spool.dropped > previousDropped ? spool.dropped - previousDropped : 0;
  const reasons: string[] = [];
  if (grew > 0) reasons.push(`agent buffer dropped ${grew} report(s) (total ${spool.dropped})`);
  if (spool.degraded) reasons.push('agent buffer is degraded (cannot write to disk; data kept in memory only)');
  const reason = reasons.join('; ') || 'agent buffer healthy';
  return sample('agent_buffer', alertKey(host.id, 'agent_buffer'), host.id, reasons.length > 0, labels('agent_buffer', host, cfg.severity), `${host.hostname} agent buffer losing data`, reason, cfg.for, cfg.clearAfter ?? base.clearAfter);
}

/** One InfluxDB write outcome. */
export function influxSample(collectorName: string, ok: boolean, error: string | undefined, rules: RulesConfig, base: Base): Sample | undefined {
  const cfg = rules.influx_write;
  if (!cfg.enabled) return undefined;
  const facts: HostFacts = { id: COLLECTOR_HOST, hostname: collectorName, site: null, group: null };
  const reason = ok ? 'InfluxDB writes succeed' : `InfluxDB write failed: ${error ?? 'unknown error'}`;
  return sample('influx_write', alertKey(COLLECTOR_HOST, 'influx_write'), COLLECTOR_HOST, !ok, labels('influx_write', facts, cfg.severity), 'Collector cannot write to InfluxDB', reason, cfg.for, cfg.clearAfter ?? base.clearAfter);
}

export interface SiteCounts {
  site: string;
  /** Hosts of the site being judged (enrolled, not revoked, reported at least once). */
  total: number;
  /** Offline (not after a goodbye) now … */
  offline: number;
  /** … of which went offline within the rule's window. */
  offlineRecently: number;
}

/**
 * Site-wide outage: more than `percent` % of the site's hosts (and at least `minHosts`) went
 * offline within `window`; it stays active while that share is still offline.
 */
export function siteOutageSample(c: SiteCounts, wasActive: boolean, rules: RulesConfig, base: Base): Sample | undefined {
  const cfg = rules.site_outage;
  if (!cfg.enabled || c.total === 0) return undefined;
  const over = (n: number) => n >= cfg.minHosts && (100 * n) / c.total > cfg.percent;
  const active = over(c.offlineRecently) || (wasActive && over(c.offline));
  const reason = `${c.offline} of ${c.total} machines at site ${c.site} are offline (${Math.round((100 * c.offline) / c.total)} %; limit ${cfg.percent} % within ${cfg.window} s)`;
  const facts: HostFacts = { id: '', hostname: '', site: c.site, group: null };
  return sample('site_outage', alertKey(siteHost(c.site), 'site_outage'), siteHost(c.site), active, labels('site_outage', facts, cfg.severity), `Site ${c.site}: many machines offline`, reason, cfg.for, cfg.clearAfter ?? base.clearAfter);
}
