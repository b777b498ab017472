import type { ReportFrame } from '@siaga/shared';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { HostPolicy } from '../policy/compile.js';
import type { PolicyProvider } from '../policy/provider.js';
import type { HostRecord } from '../store/hosts.js';
import type { ReadinessStore } from '../store/readiness.js';
import { ReadinessEngine } from './engine.js';

const T0 = 1_790_000_000_000;

function policies(freshnessSec: number) {
  const listeners: Array<() => void> = [];
  const provider = {
    freshnessSec,
    lookups: 0,
    forHost: () => (provider.lookups++, { agent: { version: 'p1', intervalSec: 15 }, inventory: [], applied: [], freshnessSec: provider.freshnessSec, site: undefined }) as unknown as HostPolicy,
    onChange: (l: () => void) => listeners.push(l),
    status: () => ({}) as unknown as ReturnType<PolicyProvider['status']>,
    change(sec: number) {
      provider.freshnessSec = sec;
      for (const l of listeners) l();
    },
  };
  return provider;
}

const host = (id: string): HostRecord => ({ id, hostname: id, os: { platform: 'linux' }, tags: [], site: null, group: null, revokedAt: null }) as unknown as HostRecord;
const report = (seq: number): ReportFrame => ({ v: 1, type: 'report', seq, collectedAt: T0, trigger: 'interval', policyVersion: 'p1', metrics: [], checks: [{ name: 'memory', status: 'pass', reason: 'ok' }] });

describe('readiness sweep', () => {
  function engine(freshnessSec: number, agentsBackBy?: number) {
    let clock = T0;
    const p = policies(freshnessSec);
    const store = { loadAll: () => [], saveMany: () => undefined } as unknown as ReadinessStore;
    const e = new ReadinessEngine({ hosts: { list: () => [] } as never, policies: p, store, write: () => undefined, log: pino({ level: 'silent' }), now: () => clock, agentsBackBy });
    return { e, p, at: (ms: number) => (clock = T0 + ms) };
  }

  it('after a planned restart, calls no host offline before the reconnect window it gave the agents is over (plus freshness)', () => {
    const { e, at } = engine(45, T0 + 100_000);
    e.report(host('late'), report(1), T0, true);
    at(140_000); // long past the usual start-up grace of 45 s
    e.sweep();
    expect(e.get('late')?.verdict).toBe('ready');
    at(145_001);
    e.sweep();
    expect(e.get('late')?.verdict).toBe('offline');
  });

  it('turns a silent host offline once its freshness has passed, and judges reporting hosts only when they report', () => {
    const { e, p, at } = engine(45);
    const hosts = Array.from({ length: 50 }, (_, i) => host(`h${i}`));
    at(50_000); // past the start-up grace
    for (const h of hosts) e.report(h, report(1), T0 + 50_000, true);
    const lookups = p.lookups;
    at(60_000);
    e.sweep();
    expect(p.lookups).toBe(lookups); // nobody judged: no host's policy looked up
    at(95_000);
    e.sweep();
    expect(e.get('h0')?.verdict).toBe('ready');
    at(95_001);
    e.sweep();
    expect(e.get('h0')).toMatchObject({ verdict: 'offline', since: T0 + 95_001 });
    at(100_000);
    e.sweep();
    // An offline host's reason keeps counting.
    expect(e.get('h0')?.reasons[0]?.reason).toMatch(/^No report for 50 s \(limit 45 s\)/);
  });

  it('keeps a host that is talking out of offline while its reports wait to be processed', () => {
    const { e, at } = engine(45);
    at(50_000);
    e.report(host('a'), report(1), T0 + 50_000, true);
    e.report(host('b'), report(1), T0 + 50_000, true);
    // Frames of 'a' keep arriving; the collector holds them unprocessed.
    for (let t = 60_000; t <= 120_000; t += 15_000) e.heard('a', T0 + t);
    at(120_000);
    e.sweep();
    expect(e.get('a')?.verdict).toBe('ready');
    expect(e.get('b')?.verdict).toBe('offline');
    at(165_001);
    e.sweep();
    expect(e.get('a')).toMatchObject({ verdict: 'offline', lastLiveAt: T0 + 50_000 });
    expect(e.get('a')?.reasons[0]?.reason).toMatch(/^No report for 115 s \(limit 45 s\)/);
    // Offline, it comes back with a live report, not with frames alone (a backlog being replayed).
    e.heard('a', T0 + 166_000);
    at(167_000);
    e.sweep();
    expect(e.get('a')?.verdict).toBe('offline');
    e.report(host('a'), report(2), T0 + 167_000, true);
    expect(e.get('a')?.verdict).toBe('ready');
  });

  it('judges every host again when the policy changes', () => {
    const { e, p, at } = engine(45);
    at(50_000);
    e.report(host('a'), report(1), T0 + 50_000, true);
    at(70_000);
    e.sweep();
    expect(e.get('a')?.verdict).toBe('ready');
    p.change(10);
    e.sweep();
    expect(e.get('a')?.verdict).toBe('offline');
  });
});
