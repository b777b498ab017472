import type { CheckResult, ReportFrame } from '@siaga/shared';
import { afterEach, describe, expect, it } from 'vitest';
import type { PolicyProvider } from '../policy/provider.js';
import type { HostReadiness } from '../readiness/types.js';
import type { HostRecord } from '../store/hosts.js';
import { Harness } from './engine.testutil.js';
import { AlertSources } from './sources.js';

const host = (i: number, site = 'hq'): HostRecord => ({
  id: `h${i}`, agentId: `a${i}`, hostname: `WS-${i}`, hardwareUuid: null, fingerprint: null, os: { platform: 'linux', distro: 'Debian', release: '12', arch: 'x64' },
  site, group: 'office', tags: [], agentVersion: '1', enrolledAt: 0, revokedAt: null, lastSeenAt: null, lastSeq: 0, lastReportAt: null,
});

/** Monday 2026-01-05: the site works 08:00–17:00 Jakarta time (UTC+7). */
const site = { timezone: 'Asia/Jakarta', businessHours: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'] as Array<'mon'>, from: '08:00', to: '17:00' }] };
const policies = { forHost: () => ({ freshnessSec: 30, site }), onChange: () => undefined, status: () => ({}) } as unknown as PolicyProvider;

let h: Harness;
afterEach(() => h.close());

function setup(count: number) {
  h = new Harness();
  h.clock = Date.UTC(2026, 0, 5, 3, 0, 0); // 10:00 in Jakarta
  const hosts = Array.from({ length: count }, (_, i) => host(i));
  const readiness = new Map<string, HostReadiness>(hosts.map((x) => [x.id, { hostId: x.id, verdict: 'ready', expected: false, since: 0, reasons: [], checks: [], lastLiveAt: h.clock }]));
  const store = { lists: 0, revision: 0, list: () => (store.lists++, hosts) };
  const sources = new AlertSources({ engine: h.engine, config: h.config, hosts: store, policies, readiness: { get: (id) => readiness.get(id), verdictOf: (id) => readiness.get(id) }, collectorName: 'collector-1', now: () => h.clock });
  const goOffline = (i: number, expected = false) => readiness.set(`h${i}`, { ...readiness.get(`h${i}`)!, verdict: 'offline', expected, since: h.clock, reasons: [{ check: 'offline', status: expected ? 'info' : 'fail', reason: 'No report for 35 s (limit 30 s)' }] });
  const tick = (ms: number) => {
    for (let t = 0; t < ms; t += 1000) {
      h.clock += 1000;
      sources.tick();
    }
  };
  return { hosts, readiness, sources, goOffline, tick, store };
}

const report = (checks: CheckResult[], spool?: { dropped: number; degraded: number }): ReportFrame => ({
  v: 1, type: 'report', seq: 1, collectedAt: 0, trigger: 'interval', metrics: spool ? [{ m: 'siaga_agent_spool', fields: { queued: 0, ...spool, corrupt: 0 } }] : [], checks,
});

describe('alert sources', () => {
  it('reads the host list once, and again only after a host changed (at most every 5 s)', () => {
    const { tick, store } = setup(3);
    tick(30_000);
    expect(store.lists).toBe(1);
    store.revision += 1;
    tick(1_000);
    expect(store.lists).toBe(2);
    store.revision += 1;
    tick(3_000);
    expect(store.lists).toBe(2);
    tick(3_000);
    expect(store.lists).toBe(3);
    tick(30_000);
    expect(store.lists).toBe(3);
  });

  it('no offline alert during the start-up grace (freshness + startupGrace), then one after it', () => {
    const { goOffline, tick } = setup(2);
    goOffline(0);
    tick(44_000);
    expect(h.engine.openAlerts()).toEqual([]);
    tick(2_000);
    expect(h.engine.openAlerts().map((a) => [a.rule, a.hostId, a.state, a.reason])).toEqual([['host_offline', 'h0', 'firing', 'No report for 35 s (limit 30 s)']]);
  });

  it('offline after a goodbye is expected and pages nobody; outside business hours nothing fires', () => {
    const { goOffline, tick } = setup(2);
    tick(60_000);
    goOffline(0, true);
    tick(5_000);
    expect(h.engine.openAlerts()).toEqual([]);
    h.clock = Date.UTC(2026, 0, 5, 12, 0, 0); // 19:00 in Jakarta
    goOffline(1);
    tick(5_000);
    expect(h.engine.openAlerts()).toEqual([]);
    h.clock = Date.UTC(2026, 0, 6, 1, 0, 0) - 2_000; // Tuesday 07:59:58
    tick(3_000);
    expect(h.engine.openAlerts().map((a) => a.hostId)).toEqual(['h1']);
  });

  it('one site alert when more than 20 % of a site goes offline within the window', () => {
    const { goOffline, tick } = setup(10);
    tick(60_000);
    [0, 1, 2].forEach((i) => goOffline(i));
    tick(2_000);
    const rules = h.engine.openAlerts().map((a) => `${a.rule}:${a.hostId}`).sort();
    expect(rules).toEqual(['host_offline:h0', 'host_offline:h1', 'host_offline:h2', 'site_outage:site:hq']);
    const site = h.engine.openAlerts().find((a) => a.rule === 'site_outage')!;
    expect(site.reason).toBe('3 of 10 machines at site hq are offline (30 %; limit 20 % within 60 s)');
    expect(h.engine.openAlerts().filter((a) => a.rule === 'host_offline').every((a) => a.suppressedBy === `inhibited:${site.id}`)).toBe(true);
  });

  it('two hosts of ten (20 %, not more) make no site alert', () => {
    const { goOffline, tick } = setup(10);
    tick(60_000);
    [0, 1].forEach((i) => goOffline(i));
    tick(2_000);
    expect(h.engine.openAlerts().filter((a) => a.rule === 'site_outage')).toEqual([]);
  });

  it('one alert per failing check with the check reason; replayed backlog is ignored', () => {
    const { hosts, sources, readiness } = setup(1);
    const checks: CheckResult[] = [
      { name: 'disk_space', instance: '/', status: 'fail', reason: 'Disk /: 3% free (needs 10%)' },
      { name: 'process', instance: 'vpn', status: 'fail', reason: 'vpn is not running' },
      { name: 'cpu', status: 'warn', reason: 'CPU 91%' },
    ];
    readiness.set('h0', { ...readiness.get('h0')!, verdict: 'not_ready', checks });
    sources.onReport(hosts[0]!, report(checks), false);
    expect(h.engine.openAlerts()).toEqual([]);
    sources.onReport(hosts[0]!, report(checks), true);
    expect(h.engine.openAlerts().map((a) => [a.labels.check, a.labels.instance, a.reason, a.state])).toEqual([
      ['disk_space', '/', 'Disk /: 3% free (needs 10%)', 'pending'],
      ['process', 'vpn', 'vpn is not running', 'pending'],
    ]);
    // The process came back: two healthy reports clear it (hysteresis), the disk alert stays.
    readiness.set('h0', { ...readiness.get('h0')!, checks: [checks[0]!] });
    sources.onReport(hosts[0]!, report([checks[0]!]), true);
    sources.onReport(hosts[0]!, report([checks[0]!]), true);
    expect(h.engine.openAlerts().map((a) => a.labels.check)).toEqual(['disk_space']);
  });

  it('agent buffer: dropped growing or degraded alerts; a steady count clears', () => {
    const { hosts, sources } = setup(1);
    sources.onReport(hosts[0]!, report([], { dropped: 5, degraded: 0 }), true);
    expect(h.engine.openAlerts()).toEqual([]);
    sources.onReport(hosts[0]!, report([], { dropped: 9, degraded: 0 }), true);
    expect(h.engine.openAlerts().map((a) => a.reason)).toEqual(['agent buffer dropped 4 report(s) (total 9)']);
    sources.onReport(hosts[0]!, report([], { dropped: 9, degraded: 0 }), true);
    sources.onReport(hosts[0]!, report([], { dropped: 9, degraded: 0 }), true);
    expect(h.engine.openAlerts()).toEqual([]);
    sources.onReport(hosts[0]!, report([], { dropped: 9, degraded: 1 }), true);
    expect(h.engine.openAlerts().map((a) => a.reason)).toEqual(['agent buffer is degraded (cannot write to disk; data kept in memory only)']);
  });

  it('clock skew above the threshold at hello; InfluxDB write failures after `for`', () => {
    const { hosts, sources, tick } = setup(1);
    sources.onHello(hosts[0]!, 60_000);
    expect(h.engine.openAlerts()).toEqual([]);
    sources.onHello(hosts[0]!, -300_000);
    expect(h.engine.openAlerts().map((a) => a.reason)).toEqual(["Agent clock is 300 s ahead of the collector's (limit 120 s)"]);
    sources.onHello(hosts[0]!, 1_000);
    expect(h.engine.openAlerts()).toEqual([]);

    sources.onInfluxHealth(false, 'connect ECONNREFUSED 127.0.0.1:8086');
    tick(59_000);
    expect(h.engine.openAlerts().map((a) => a.state)).toEqual(['pending']);
    tick(1_000);
    expect(h.engine.openAlerts().map((a) => [a.rule, a.hostId, a.state, a.labels.hostname])).toEqual([['influx_write', 'collector', 'firing', 'collector-1']]);
  });
});
