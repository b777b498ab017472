import { describe, expect, it } from 'vitest';
import { testConfig } from './engine.testutil.js';
import { type GroupTiming, planGroup } from './grouping.js';
import type { Alert, Group } from './types.js';

const T0 = 1_000_000;
const timing: GroupTiming = { groupWaitMs: 5_000, groupIntervalMs: 20_000, repeatIntervalMs: 300_000, sendResolved: true };
const policy = testConfig().escalation.policies.default!;

const group = (): Group => ({ key: 'site=hq/rule=host_not_ready', site: 'hq', rule: 'host_not_ready', createdAt: T0, episodeStart: null, escalationStart: null, tier: -1, escalationPolicy: 'default', lastFlushAt: null, lastSentAt: null, snapshot: '', ackedBy: null, ackedAt: null });

const alert = (i: number, state: Alert['state'] = 'firing', notifiedAt: number | null = null): Alert => ({
  id: `a${i}`, key: `h${i}/host_not_ready//`, rule: 'host_not_ready', hostId: `h${i}`, groupKey: 'site=hq/rule=host_not_ready', labels: { alertname: 'host_not_ready' },
  summary: 's', reason: 'r', state, activeSince: T0, forMs: 0, clearAfter: 2, firedAt: T0, resolvedAt: state === 'resolved' ? T0 : null, notifiedAt, closed: false,
  healthyStreak: 0, ackedBy: null, ackedAt: null, suppressedBy: null, updatedAt: T0,
});

describe('group dispatch timing', () => {
  it('waits groupWait, then sends one notification for all 50 alerts to L1', () => {
    const g = group();
    const alerts = Array.from({ length: 50 }, (_, i) => alert(i));
    expect(planGroup(g, alerts, policy, timing, T0 + 4_999).sends).toEqual([]);
    const plan = planGroup(g, alerts, policy, timing, T0 + 5_000);
    expect(plan.sends).toHaveLength(1);
    expect(plan.sends[0]).toMatchObject({ kind: 'first', tiers: [0] });
    expect(plan.sends[0]!.alerts).toHaveLength(50);
    expect(g).toMatchObject({ episodeStart: T0 + 5_000, tier: 0 });
    // Nothing changed: silent until repeat or escalation.
    expect(planGroup(g, alerts, policy, timing, T0 + 6_000).sends).toEqual([]);
  });

  it('sends a change only after groupInterval, to every tier reached', () => {
    const g = group();
    const a = [alert(1)];
    planGroup(g, a, policy, timing, T0 + 5_000);
    a.forEach((x) => (x.notifiedAt = T0 + 5_000));
    const more = [...a, alert(2)];
    expect(planGroup(g, more, policy, timing, T0 + 14_000).sends).toEqual([]);
    expect(planGroup(g, more, policy, timing, T0 + 15_000).sends).toEqual([{ kind: 'escalate', tiers: [1], alerts: more }]);
    expect(planGroup(g, more, policy, timing, T0 + 24_999).sends).toEqual([]);
    expect(planGroup(g, more, policy, timing, T0 + 25_000).sends).toEqual([{ kind: 'update', tiers: [0, 1], alerts: more }]);
    expect(planGroup(g, more, policy, timing, T0 + 45_000).sends).toEqual([]);
  });

  it('escalates L1 → L2 → L3 at the tier delays until acknowledged', () => {
    const g = group();
    const a = [alert(1)];
    planGroup(g, a, policy, timing, T0 + 5_000);
    expect(planGroup(g, a, policy, timing, T0 + 14_999).sends).toEqual([]);
    expect(planGroup(g, a, policy, timing, T0 + 15_000).sends).toEqual([{ kind: 'escalate', tiers: [1], alerts: a }]);
    expect(planGroup(g, a, policy, timing, T0 + 64_999).sends).toEqual([]);
    expect(planGroup(g, a, policy, timing, T0 + 65_000).sends).toEqual([{ kind: 'escalate', tiers: [2], alerts: a }]);
    expect(g.tier).toBe(2);
  });

  it('stops escalating and repeating once acknowledged', () => {
    const g = group();
    const a = [alert(1)];
    planGroup(g, a, policy, timing, T0 + 5_000);
    g.ackedBy = 'Ana';
    a[0]!.ackedBy = 'Ana';
    for (const t of [15_000, 65_000, 400_000, 900_000]) expect(planGroup(g, a, policy, timing, T0 + t).sends).toEqual([]);
    expect(g.tier).toBe(0);
  });

  it('keeps an acknowledgement given during group wait', () => {
    const g = group();
    const a = [alert(1)];
    Object.assign(g, { ackedBy: 'Ana', ackedAt: T0 + 1_000 });
    a[0]!.ackedBy = 'Ana';
    expect(planGroup(g, a, policy, timing, T0 + 5_000).sends).toEqual([{ kind: 'first', tiers: [0], alerts: a }]);
    expect(planGroup(g, a, policy, timing, T0 + 100_000).sends).toEqual([]);
    expect(g).toMatchObject({ ackedBy: 'Ana', tier: 0 });
  });

  it('repeats an unchanged unacknowledged group after repeatInterval to the highest tier reached', () => {
    const g = group();
    const a = [alert(1)];
    planGroup(g, a, policy, timing, T0 + 5_000);
    planGroup(g, a, policy, timing, T0 + 15_000);
    planGroup(g, a, policy, timing, T0 + 65_000);
    expect(planGroup(g, a, policy, timing, T0 + 364_999).sends).toEqual([]);
    expect(planGroup(g, a, policy, timing, T0 + 365_000).sends).toEqual([{ kind: 'repeat', tiers: [2], alerts: a }]);
  });

  it('announces the resolution to every tier reached, then ends the episode', () => {
    const g = group();
    planGroup(g, [alert(1)], policy, timing, T0 + 5_000);
    planGroup(g, [alert(1)], policy, timing, T0 + 15_000);
    const resolved = alert(1, 'resolved', T0 + 5_000);
    const plan = planGroup(g, [resolved], policy, timing, T0 + 25_000);
    expect(plan).toEqual({ sends: [{ kind: 'resolved', tiers: [0, 1], alerts: [resolved] }], ended: true });
  });

  it('ends quietly, without an empty notification, when every alert left the group unresolved (silenced)', () => {
    const g = group();
    planGroup(g, [alert(1)], policy, timing, T0 + 5_000);
    expect(planGroup(g, [], policy, timing, T0 + 60_000)).toEqual({ sends: [], ended: true });
  });

  it('ends quietly when the alerts resolved before anyone was told', () => {
    const g = group();
    expect(planGroup(g, [alert(1, 'resolved', null)], policy, timing, T0 + 5_000)).toEqual({ sends: [], ended: true });
  });

  it('restarts escalation from L1 when a new machine joins an acknowledged group', () => {
    const g = group();
    const first = alert(1);
    planGroup(g, [first], policy, timing, T0 + 5_000);
    planGroup(g, [first], policy, timing, T0 + 15_000);
    Object.assign(g, { ackedBy: 'Ana', ackedAt: T0 + 16_000 });
    first.ackedBy = 'Ana';
    const plan = planGroup(g, [first, alert(2)], policy, timing, T0 + 40_000);
    expect(plan.sends).toEqual([{ kind: 'update', tiers: [0], alerts: [first, expect.objectContaining({ id: 'a2' })] }]);
    expect(g).toMatchObject({ ackedBy: null, escalationStart: T0 + 40_000, tier: 0 });
    expect(planGroup(g, [first, alert(2)], policy, timing, T0 + 50_000).sends[0]).toMatchObject({ kind: 'escalate', tiers: [1] });
  });
});
