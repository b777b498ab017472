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
    const disk = scopes.scope(policy, 'disk');
    expect(disk.rules.map((r) => r.name)).toEqual(['disk_space']);
    // cpu writes load averages to `system`, which the reboot and uptime checks read.
    const cpu = scopes.scope(policy, 'cpu');
    expect([...cpu.names]).toEqual(['pending_reboot', 'uptime']);
    expect([...cpu.measurements].sort()).toEqual(['cpu', 'system']);
    expect(scopes.scope(policy, 'wifi').rules).toEqual([]);
    expect(scopes.scope(undefined, 'disk').rules).toEqual([]);
  });

  it('picks the samples of the measurements a watch run judges from every probe writing them', () => {
    const latest = new Map<string, { metrics: Metric[] }>([
      ['disk', { metrics: [{ m: 'disk', tags: { path: '/' }, fields: { free_percent: 40 } }] }],
      ['cpu', { metrics: [{ m: 'cpu', fields: { usage_active: 1 } }, { m: 'system', fields: { load1: 0.5 } }] }],
      ['reboot', { metrics: [{ m: 'system', fields: { pending_reboot: 0 } }] }],
    ]);
    const scopes = new WatchScopes(PROBES);
    expect(scopes.scope(policy, 'cpu').writers).toEqual(['cpu', 'system', 'reboot']);
    expect(samplesOf(latest, scopes.scope(policy, 'cpu')).map((m) => m.fields)).toEqual([{ usage_active: 1 }, { load1: 0.5 }, { pending_reboot: 0 }]);
    expect(samplesOf(latest, scopes.scope(policy, 'disk')).map((m) => m.fields)).toEqual([{ free_percent: 40 }]);
  });
});
