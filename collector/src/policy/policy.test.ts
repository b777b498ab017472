import { describe, expect, it } from 'vitest';
import { inBusinessHours } from './business-hours.js';
import { compileForHost } from './compile.js';
import { parsePolicy } from './load.js';

const host = (over: Partial<{ site: string | null; group: string | null; tags: string[]; os: string }> = {}) => ({ site: 'hq', group: null, tags: [], os: 'win32', ...over });

const doc = {
  sites: { hq: { timezone: 'Asia/Jakarta', businessHours: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '17:00' }] }, branch: {} },
  policies: [
    { name: 'office-pc', checks: { disk: { minFreePercent: { warn: 15, fail: 10 } }, memory: {}, apps: { items: [{ name: 'intranet', url: 'http://127.0.0.1:9/health' }] } } },
    { name: 'finance', select: { groups: ['finance'] }, checks: { disk: { minFreePercent: { fail: 20 } }, processes: { items: [{ name: 'erp-client' }] }, apps: { watch: '2s', items: [{ name: 'erp', host: '127.0.0.1', port: 9 }] } } },
    { name: 'kiosks', select: { tags: ['kiosk'], os: ['linux'] }, checks: { disk: { enabled: false } } },
  ],
};

function errorOf(raw: unknown): { message: string; path: string } {
  try {
    parsePolicy(raw);
  } catch (err) {
    return err as { message: string; path: string };
  }
  throw new Error('policy was accepted');
}

describe('policy validation', () => {
  it('accepts the example and fills defaults', () => {
    const p = parsePolicy(doc);
    expect(p.defaults).toEqual({ interval: 15, watchInterval: 1, freshness: 45 });
    expect(p.sites.branch?.timezone).toBe('UTC');
  });

  it.each([
    ['a threshold of the wrong type', { policies: [{ name: 'a', checks: { disk: { minFreePercent: { warn: 'lots' } } } }] }, 'policies[0].checks.disk.minFreePercent.warn'],
    ['a threshold that is not an object', { policies: [{ name: 'a' }, { name: 'b' }, { name: 'c', checks: { disk: { minFreePercent: 10 } } }] }, 'policies[2].checks.disk.minFreePercent'],
    ['an unknown check', { policies: [{ name: 'a', checks: { dsik: {} } }] }, 'policies[0].checks'],
    ['an unknown key inside a check', { policies: [{ name: 'a', checks: { memory: { minFree: 3 } } }] }, 'policies[0].checks.memory'],
    ['a bad duration', { policies: [{ name: 'a', checks: { cpu: { for: '5 minutes' } } }] }, 'policies[0].checks.cpu.for'],
    ['an unknown time zone', { sites: { hq: { timezone: 'Mars/Olympus' } } }, 'sites.hq.timezone'],
    ['business hours that end before they start', { sites: { hq: { businessHours: [{ days: ['mon'], from: '18:00', to: '08:00' }] } } }, 'sites.hq.businessHours[0].to'],
    ['a policy selecting an undefined site', { policies: [{ name: 'a', select: { sites: ['nowhere'] } }] }, 'policies[0].select.sites[0]'],
    ['a freshness limit no longer than the interval', { defaults: { interval: '30s', freshness: '30s' } }, 'defaults.freshness'],
    ['a policy interval beyond the freshness limit', { policies: [{ name: 'a', interval: '1m' }] }, 'policies[0].interval'],
    ['two policies with one name', { policies: [{ name: 'a' }, { name: 'a' }] }, 'policies[1].name'],
    ['an app with both url and port', { policies: [{ name: 'a', checks: { apps: { items: [{ name: 'x', url: 'http://127.0.0.1/', port: 80 }] } } }] }, 'policies[0].checks.apps.items[0]'],
    ['a process name with a path', { policies: [{ name: 'a', checks: { processes: { items: [{ name: '/usr/bin/evil;rm' }] } } }] }, 'policies[0].checks.processes.items[0].name'],
  ])('refuses %s, naming the exact field', (_what, raw, path) => {
    const err = errorOf(raw);
    expect(err.path).toBe(path);
    expect(err.message).toContain(`${path}:`);
  });
});

describe('policy compilation per host', () => {
  const file = parsePolicy(doc);

  it('gives every host the base policy, compiled into agent rules and probe settings', () => {
    const p = compileForHost(file, host());
    expect(p.applied).toEqual(['office-pc']);
    const disk = p.agent.checks.find((r) => r.name === 'disk_space');
    expect(disk).toMatchObject({ measurement: 'disk', field: 'free_percent', instanceTag: 'path', warn: { op: 'lt', value: 15 }, fail: { op: 'lt', value: 10 } });
    expect(p.agent.checks.find((r) => r.name === 'memory')?.fail).toEqual({ op: 'lt', value: 5 });
    expect(p.agent.probes.http).toEqual({ enabled: true, apps: [{ name: 'intranet', url: 'http://127.0.0.1:9/health' }] });
    expect(p.agent.intervalSec).toBe(15);
    expect(p.freshnessSec).toBe(45);
    expect(p.site?.timezone).toBe('Asia/Jakarta');
  });

  it('lets a later policy refine an earlier one: thresholds merge, named items add up', () => {
    const p = compileForHost(file, host({ group: 'finance' }));
    expect(p.applied).toEqual(['office-pc', 'finance']);
    expect(p.agent.checks.find((r) => r.name === 'disk_space')).toMatchObject({ warn: { op: 'lt', value: 15 }, fail: { op: 'lt', value: 20 } });
    expect(p.agent.probes.process).toEqual({ enabled: true, names: ['erp-client'] });
    expect(p.agent.probes.tcp).toMatchObject({ watchEveryMs: 2000, targets: [{ name: 'erp', host: '127.0.0.1', port: 9 }] });
    expect(p.agent.probes.http).toMatchObject({ watchEveryMs: 2000 });
    expect(p.agent.checks.map((r) => r.name)).toEqual(expect.arrayContaining(['app', 'app_tcp', 'process']));
  });

  it('selects by tags and OS together, and lets a policy switch a check off', () => {
    expect(compileForHost(file, host({ tags: ['kiosk'], os: 'win32' })).applied).toEqual(['office-pc']);
    const kiosk = compileForHost(file, host({ tags: ['kiosk', 'lobby'], os: 'linux' }));
    expect(kiosk.applied).toEqual(['office-pc', 'kiosks']);
    expect(kiosk.agent.checks.some((r) => r.name === 'disk_space')).toBe(false);
  });

  it('versions a compiled policy by its content', () => {
    const a = compileForHost(file, host());
    expect(compileForHost(file, host({ site: 'branch' })).agent.version).toBe(a.agent.version);
    expect(compileForHost(file, host({ group: 'finance' })).agent.version).not.toBe(a.agent.version);
    const edited = parsePolicy({ ...doc, policies: [{ ...doc.policies[0], checks: { ...doc.policies[0]!.checks, memory: { minAvailablePercent: { fail: 3 } } } }] });
    expect(compileForHost(edited, host()).agent.version).not.toBe(a.agent.version);
  });

  it('keeps software rules on the collector', () => {
    const p = compileForHost(parsePolicy({ policies: [{ name: 'a', checks: { software: { required: [{ name: 'Firefox', minVersion: '115' }], forbidden: [{ name: 'uTorrent*', severity: 'warn' }] } } }] }), host());
    expect(p.agent.checks).toEqual([]);
    expect(p.inventory).toEqual([
      { kind: 'required', name: 'Firefox', minVersion: '115', severity: 'fail' },
      { kind: 'forbidden', name: 'uTorrent*', severity: 'warn' },
    ]);
  });
});

describe('business hours', () => {
  const weekdays = [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const, from: '08:00', to: '17:00' }].map((w) => ({ ...w, days: [...w.days] }));

  it('judges an instant in the site\'s own time zone', () => {
    // Monday 2026-11-30 02:30 UTC is 09:30 in Jakarta (UTC+7) and 03:30 in Paris.
    const at = Date.UTC(2026, 10, 30, 2, 30);
    expect(inBusinessHours(at, 'Asia/Jakarta', weekdays)).toBe(true);
    expect(inBusinessHours(at, 'Europe/Paris', weekdays)).toBe(false);
    // Saturday in Jakarta.
    expect(inBusinessHours(Date.UTC(2026, 10, 28, 3, 0), 'Asia/Jakarta', weekdays)).toBe(false);
    // The end is exclusive.
    expect(inBusinessHours(Date.UTC(2026, 10, 30, 10, 0), 'Asia/Jakarta', weekdays)).toBe(false);
    expect(inBusinessHours(at, 'UTC', [])).toBe(true);
  });
});
