import type { CheckResult, Metric, ReportFrame } from '@siaga/shared';
import { describe, expect, it } from 'vitest';
import { parseCollectorConfig } from '../config.js';
import { hashPhase, StatusThinning } from './status-thinning.js';

const T = 1_800_000_000_000;
const probe = (name: string, success: number, error?: string): Metric => ({ m: 'siaga_agent', tags: { probe: name }, fields: { duration_ms: Math.random() * 10, success, ...(error ? { error } : {}) } });
const check = (name: string, status: CheckResult['status'], instance?: string): CheckResult => ({ name, status, reason: `${name} is ${status} at ${Math.random()}`, ...(instance ? { instance } : {}) });
const frame = (at: number, metrics: Metric[], checks: CheckResult[]): ReportFrame => ({ v: 1, type: 'report', seq: at, collectedAt: at, trigger: 'interval', metrics, checks });
const cpu: Metric = { m: 'cpu', tags: { cpu: 'cpu-total' }, fields: { usage_active: 3 } };
const kept = (f: ReportFrame) => [...f.metrics.map((m) => `${m.m}:${m.tags?.probe ?? ''}`), ...f.checks.map((c) => `check:${c.name}:${c.instance ?? ''}`)];

describe('status thinning', () => {
  it('stores a status point on the first report, on a change, and once per heartbeat window, and every measurement always', () => {
    // Phase 0: this host's windows start at multiples of 5 minutes, T among them.
    const t = new StatusThinning(300_000, () => 0);
    const at = (dt: number, ok: number, disk: CheckResult['status']) => kept(t.thin('h1', frame(T + dt, [cpu, probe('disk', ok), probe('mem', 1)], [check('disk_space', disk, '/'), check('memory', 'pass')])));
    expect(at(0, 1, 'pass')).toEqual(['cpu:', 'siaga_agent:disk', 'siaga_agent:mem', 'check:disk_space:/', 'check:memory:']);
    expect(at(15_000, 1, 'pass')).toEqual(['cpu:']);
    expect(at(30_000, 1, 'fail')).toEqual(['cpu:', 'check:disk_space:/']);
    expect(at(45_000, 0, 'fail')).toEqual(['cpu:', 'siaga_agent:disk']);
    expect(at(60_000, 0, 'fail')).toEqual(['cpu:']);
    expect(at(285_000, 0, 'fail')).toEqual(['cpu:']);
    // A new window: every status series of the host again, however recently it changed.
    expect(at(300_000, 0, 'fail')).toEqual(['cpu:', 'siaga_agent:disk', 'siaga_agent:mem', 'check:disk_space:/', 'check:memory:']);
    expect(at(315_000, 0, 'fail')).toEqual(['cpu:']);
    expect(t.skipped).toBe(4 + 3 + 3 + 4 + 4 + 0 + 4);
  });

  it('spreads the heartbeat of a fleet first seen at once over the heartbeat', () => {
    const heartbeat = 300_000;
    const t = new StatusThinning(heartbeat);
    const hosts = Array.from({ length: 3000 }, (_, i) => `host-${i}`);
    const storedPerSlot: number[] = [];
    // Every host reports every 15 s, all first seen within the same 15 s.
    for (let slot = 0; slot < 2 * (heartbeat / 15_000); slot += 1) {
      let stored = 0;
      hosts.forEach((h, i) => {
        if (t.thin(h, frame(T + slot * 15_000 + (i % 15_000), [], [check('memory', 'pass')])).checks.length > 0) stored += 1;
      });
      storedPerSlot.push(stored);
    }
    expect(storedPerSlot[0]).toBe(3000);
    const later = storedPerSlot.slice(1);
    // Each host once per heartbeat (two windows begin in the 10 minutes for most), never all at once.
    expect(later.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3000);
    expect(later.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2 * 3000);
    expect(Math.max(...later)).toBeLessThan(3000 / 10);
  });

  it('gives every host a phase within the heartbeat, the same one each time', () => {
    const phases = ['a', 'host-1', 'host-2', '0f3c'].map((id) => hashPhase(id, 300_000));
    for (const p of phases) expect(p).toBeGreaterThanOrEqual(0), expect(p).toBeLessThan(300_000);
    expect(new Set(phases).size).toBe(4);
    expect(hashPhase('host-1', 300_000)).toBe(phases[1]);
  });

  it('tells a probe error from another, instances apart, and hosts apart', () => {
    const t = new StatusThinning(300_000, () => 0);
    const f = (at: number, error: string, host: string) => kept(t.thin(host, frame(at, [probe('dns', 0, error)], [check('disk_space', 'pass', 'C:'), check('disk_space', 'pass', 'D:')])));
    expect(f(T, 'timeout', 'h1')).toHaveLength(3);
    expect(f(T + 1000, 'timeout', 'h1')).toEqual([]);
    expect(f(T + 2000, 'NXDOMAIN', 'h1')).toEqual(['siaga_agent:dns']);
    expect(f(T + 3000, 'NXDOMAIN', 'h2')).toHaveLength(3);
  });

  it('keeps a report older than the last stored point, and every point with heartbeat 0', () => {
    const t = new StatusThinning(300_000, () => 0);
    const f = (at: number) => kept(t.thin('h1', frame(at, [], [check('memory', 'pass')])));
    expect(f(T)).toHaveLength(1);
    expect(f(T - 60_000)).toHaveLength(1);
    const every = new StatusThinning(0);
    const same = frame(T, [probe('cpu', 1)], [check('memory', 'pass')]);
    expect(every.thin('h1', same)).toBe(same);
    expect(every.thin('h1', same)).toBe(same);
    expect(every.skipped).toBe(0);
  });

  it('returns the very frame when nothing is left out', () => {
    const t = new StatusThinning(300_000, () => 0);
    const f = frame(T, [cpu], [check('memory', 'pass')]);
    expect(t.thin('h1', f)).toBe(f);
  });
});

describe('influx.statusHeartbeat', () => {
  it('defaults to 5 minutes, takes durations, and names the field when wrong', () => {
    const parse = (influx: Record<string, unknown>) => parseCollectorConfig({ dataDir: '/tmp/x', influx: { url: 'http://127.0.0.1:8086', ...influx } }).influx?.statusHeartbeat;
    expect(parse({})).toBe(300);
    expect(parse({ statusHeartbeat: '1m' })).toBe(60);
    expect(parse({ statusHeartbeat: 0 })).toBe(0);
    expect(() => parse({ statusHeartbeat: -5 })).toThrow(/influx\.statusHeartbeat/);
    expect(() => parse({ statusHeartbeat: '2d' })).toThrow(/influx\.statusHeartbeat/);
  });
});
