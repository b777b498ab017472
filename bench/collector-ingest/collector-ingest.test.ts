// Smoke test of the collector-ingest benchmark's own logic on canned input: the report builder,
// the latency histogram, loss counting, the fleet plan and the options. The benchmark itself is
// not a test (tests never assert speed).
import path from 'node:path';
import { parseAgentFrame } from '@siaga/shared';
import { describe, expect, it } from 'vitest';
import { StatusThinning } from '../../collector/dist/ingest/status-thinning.js';
import { buildBodies, hostRecord } from './ceiling.mjs';
import { planFleet, siteAddress } from './fleet.mjs';
import { parseOptions } from './options.mjs';
import { ReportTemplate } from './report-builder.mjs';
import { LatencyHistogram, lostReports, rate } from './stats.mjs';

const recorded = path.join(import.meta.dirname, 'recorded-report.json');

describe('report builder', () => {
  const template = ReportTemplate.fromFile(recorded);

  it('builds valid reports of the recorded shape and size, with the given seq, time and policy', () => {
    const profile = template.agentProfile();
    const text = template.build(profile, { seq: 7, collectedAt: 1_790_000_000_123, policyVersion: 'abc123' });
    const parsed = parseAgentFrame(text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.frame.type !== 'report') return;
    expect(parsed.frame).toMatchObject({ seq: 7, collectedAt: 1_790_000_000_123, policyVersion: 'abc123', trigger: 'interval' });
    expect(parsed.frame.metrics.length + parsed.frame.checks.length).toBe(template.pointsPerReport);
    expect(Math.abs(Buffer.byteLength(text) - template.recordedBytes) / template.recordedBytes).toBeLessThan(0.1);
  });

  it('varies numbers per agent and per send, keeping flags, integers and names', () => {
    const calls = [0.1, 0.9];
    let i = 0;
    const random = () => calls[i++ % calls.length] as number;
    const a = JSON.parse(template.build(template.agentProfile(() => 0), { seq: 1, collectedAt: 1_790_000_000_000, policyVersion: 'p' }, random));
    const b = JSON.parse(template.build(template.agentProfile(() => 1), { seq: 1, collectedAt: 1_790_000_000_000, policyVersion: 'p' }, random));
    const mem = (r: { metrics: Array<{ m: string; fields: Record<string, number> }> }) => r.metrics.find((m) => m.m === 'mem')?.fields as Record<string, number>;
    expect(mem(a).total).not.toBe(mem(b).total);
    expect(Number.isInteger(mem(a).total)).toBe(true);
    const flags = (r: { metrics: Array<{ m: string; fields: Record<string, unknown> }> }) => r.metrics.filter((m) => m.m === 'siaga_agent').map((m) => m.fields.success);
    expect(flags(a)).toEqual(flags(b));
    expect(a.metrics.map((m: { m: string }) => m.m)).toEqual(b.metrics.map((m: { m: string }) => m.m));
  });

  it('refuses a file that is not a recorded report', () => {
    expect(() => new ReportTemplate({ type: 'hello' })).toThrow(/not a recorded report/);
  });
});

describe('ceiling bodies', () => {
  const template = ReportTemplate.fromFile(recorded);
  const hosts = Array.from({ length: 40 }, (_, i) => hostRecord({ hostId: `host-${i}`, hostname: `pc-${i}`, site: 'hq' }));
  const lines = (bodies: Array<{ body: Buffer }>) => bodies.flatMap((b) => b.body.toString().split('\n').filter(Boolean));

  it('writes every point of every report without thinning, in batches of the given size', () => {
    const built = buildBodies(template, hosts, { passes: 2, batchSize: 500, startMs: 1_790_000_000_000 });
    expect(built).toMatchObject({ passes: 2, points: 2 * hosts.length * template.pointsPerReport });
    expect(built.bodies.every((b: { points: number }) => b.points <= 500)).toBe(true);
    expect(lines(built.bodies)).toHaveLength(built.points);
  });

  it('keeps only the points the collector stores when thinned: status points once per heartbeat', () => {
    const thinning = new StatusThinning(300_000);
    const first = buildBodies(template, hosts, { passes: 1, batchSize: 5_000, startMs: 1_790_000_000_000, thinning });
    expect(first.points).toBe(hosts.length * template.pointsPerReport);
    const later = buildBodies(template, hosts, { passes: 4, batchSize: 5_000, startMs: 1_790_000_015_000, thinning });
    const measurements = lines(later.bodies).map((l) => l.slice(0, l.search(/[, ]/)));
    expect(measurements.filter((m) => m === 'siaga_check').length).toBeLessThan(hosts.length * template.checkCount);
    expect(measurements.filter((m) => m === 'cpu')).toHaveLength(4 * hosts.length);
    expect(later.points).toBeLessThan(4 * hosts.length * template.pointsPerReport);
  });

  it('stops after the pass that reaches maxPoints', () => {
    const built = buildBodies(template, hosts, { passes: Infinity, maxPoints: hosts.length * template.pointsPerReport + 1, batchSize: 5_000, startMs: 1_790_000_000_000 });
    expect(built.passes).toBe(2);
  });
});

describe('latency histogram', () => {
  it('puts values in buckets within 3 % and reads quantiles as bucket upper edges', () => {
    for (const us of [0, 1, 31, 32, 100, 999, 12_345, 1_000_000, 3.6e9]) {
      const upper = LatencyHistogram.upper(LatencyHistogram.index(us));
      expect(upper).toBeGreaterThanOrEqual(us);
      expect(upper).toBeLessThanOrEqual(Math.max(us * 1.032, us + 1));
    }
    const h = new LatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) h.record(ms * 1000);
    expect(h.total).toBe(1000);
    const within3 = (got: number | null, want: number) => {
      expect(got).toBeGreaterThanOrEqual(want);
      expect(got).toBeLessThanOrEqual(want * 1.032);
    };
    within3(h.quantile(0.5), 500_000);
    within3(h.quantile(0.99), 990_000);
    expect(new LatencyHistogram().quantile(0.5)).toBeNull();
  });

  it('adds up histograms shipped from several processes and empties a drained one', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    a.record(1_000);
    b.record(2_000_000);
    const merged = new LatencyHistogram().add(a.drain()).add(b.counts);
    expect(merged.total).toBe(2);
    expect(a.total).toBe(0);
    expect(merged.quantile(1)).toBeGreaterThanOrEqual(2_000_000);
  });
});

describe('counting', () => {
  it('counts reports acked but missing in InfluxDB, per host, and extra points apart', () => {
    const acked = new Map([['h1', 10], ['h2', 5], ['h3', 3]]);
    const stored = new Map([['h1', 10], ['h2', 3], ['h3', 4]]);
    expect(lostReports(acked, stored)).toEqual({ lost: 2, hostsShort: 1, extra: 1, hosts: 3 });
    expect(lostReports(new Map([['h9', 2]]), new Map())).toMatchObject({ lost: 2, hostsShort: 1 });
  });

  it('computes rates between two cumulative readings', () => {
    expect(rate({ at: 0, acked: 100 }, { at: 10_000, acked: 10_100 }, 'acked')).toBe(1_000);
    expect(rate({ at: 5, acked: 1 }, { at: 5, acked: 2 }, 'acked')).toBeNull();
  });
});

describe('fleet plan', () => {
  it('spreads whole sites over processes of at most perWorker agents, one loopback address per site', () => {
    const { sites, plan } = planFleet(15_000, { perSite: 250, perWorker: 5_000 });
    expect(sites).toBe(60);
    expect(plan.map((w) => w.length)).toEqual([5_000, 5_000, 5_000]);
    for (const worker of plan) {
      const addresses = new Set(worker.map((a) => a.localAddress));
      expect(addresses.size).toBe(20);
      for (const a of worker) expect(a.localAddress).toBe(siteAddress(Number(a.site.slice(5)) - 1));
    }
    expect(new Set(plan.flat().map((a) => a.hostname)).size).toBe(15_000);
    expect(siteAddress(0)).toBe('127.10.0.1');
    expect(siteAddress(251)).toBe('127.10.1.2');
  });

  it('reads options with defaults matching the targets, and a quick mode', () => {
    expect(parseOptions([])).toMatchObject({ agents: 15_000, minutes: 5, intervalSec: 15, saturation: true, storm: true, quick: false });
    expect(parseOptions(['--quick'])).toMatchObject({ agents: 1_500, minutes: 1, quick: true });
    expect(parseOptions(['--agents', '300', '--minutes', '0.5', '--no-storm'])).toMatchObject({ agents: 300, minutes: 0.5, storm: false });
    expect(() => parseOptions(['--agents', 'many'])).toThrow(/--agents/);
    expect(() => parseOptions(['--per-worker', '19000'])).toThrow(/--per-worker/);
    expect(parseOptions([]).statusHeartbeat).toBeUndefined();
    expect(parseOptions(['--status-heartbeat', '0'])).toMatchObject({ statusHeartbeat: 0 });
    expect(() => parseOptions(['--status-heartbeat', '-1'])).toThrow(/--status-heartbeat/);
    expect(parseOptions([]).influxdWalFsyncDelay).toBe('0s');
    expect(parseOptions(['--influxd-wal-fsync-delay', '100ms'])).toMatchObject({ influxdWalFsyncDelay: '100ms' });
    expect(() => parseOptions(['--influxd-wal-fsync-delay', 'soon'])).toThrow(/--influxd-wal-fsync-delay/);
  });
});
