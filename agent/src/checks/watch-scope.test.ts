import { agentPolicySchema, type Metric } from '@siaga/shared';
import { describe, expect, it } from 'vitest';
import { PROBES } from '../probes/index.js';
import { samplesOf, WatchScopes } from './watch-scope.js';

const rule = (name: string, measurement: string, field: string) => ({ name, measurement, field, fail: { op: 'eq', value: 0 }, reason: name });
const policy = agentPolicySchema.parse({
  version: 'v1',
  checks: [rule('disk_space', 'disk', 'free_percent'), rule('pending_reboot', 'system', 'pending_reboot'), rule('uptime', 'system', 'uptime'), rule('gateway', 'ping', 'reachable')],
});

describe('watch scopes', () => {
  it('knows which measurements the checks read, once per policy', () => {
    const scopes = new WatchScopes(PROBES);
    expect([...scopes.watchedMeasurements(policy)].sort()).toEqual(['disk', 'ping', 'system']);
    expect(scopes.watchedMeasurements(policy)).toBe(scopes.watchedMeasurements(policy));
    const next = agentPolicySchema.parse({ version: 'v2', checks: [rule('gateway', 'ping', 'reachable')] });
    expect([...scopes.watchedMeasurements(next)]).toEqual(['ping']);
  });

  it('gives a probe the checks of every measurement it writes, shared ones included', () => {
    const scopes = new WatchScopes(PROBES);
    const disk = scopes.scope(policy, new Set(['disk']));
    expect(disk.rules.map((r) => r.name)).toEqual(['disk_space']);
    // cpu writes load averages to `system`, which the reboot and uptime checks read.
    const cpu = scopes.scope(policy, new Set(['cpu']));
    expect([...cpu.names]).toEqual(['pending_reboot', 'uptime']);
    expect([...cpu.measurements].sort()).toEqual(['cpu', 'system']);
    expect(scopes.scope(policy, new Set(['wifi'])).rules).toEqual([]);
    expect(scopes.scope(undefined, new Set(['disk'])).rules).toEqual([]);
  });

  it('picks the samples of given measurements from every probe', () => {
    const latest = [{ metrics: [{ m: 'cpu', fields: { usage_active: 1 } }, { m: 'system', fields: { load1: 0.5 } }] }, { metrics: [{ m: 'system', fields: { pending_reboot: 0 } }] }] as Array<{ metrics: Metric[] }>;
    expect(samplesOf(latest, new Set(['system'])).map((m) => m.fields)).toEqual([{ load1: 0.5 }, { pending_reboot: 0 }]);
  });
});
