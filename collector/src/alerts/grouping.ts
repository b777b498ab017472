import type { EscalationPolicy } from './config.js';
import { dueTier } from './escalation.js';
import type { Alert, Group } from './types.js';

export interface GroupTiming {
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  sendResolved: boolean;
}

/** `flapping` is the engine's one notice that a condition flaps; the plan never makes it. */
export type SendKind = 'first' | 'update' | 'repeat' | 'escalate' | 'resolved' | 'flapping';

/** One notification to make: which tiers (indexes into the policy) and which alerts. */
export interface Send {
  kind: SendKind;
  tiers: number[];
  alerts: Alert[];
}

export interface Plan {
  sends: Send[];
  /** The episode is over: the group can be forgotten (and its members closed). */
  ended: boolean;
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
const snapshotOf = (alerts: readonly Alert[]) =>
  alerts
    .map((a) => a.id)
    .sort()
    .join(',');

/**
 * Decides, at `now`, what one group owes its receivers, with Alertmanager's timing: the first
 * notification `groupWait` after the group appeared (so machines failing together page once),
 * changes no sooner than `groupInterval` after the previous notification, an unchanged group
 * again after `repeatInterval`. Escalation pages the next tier once its delay has passed
 * without an acknowledgement. `members` are the group's alerts that may be notified (not
 * silenced, inhibited or flapping): firing ones, and resolved ones receivers were told of.
 * Mutates `group` to what it will have sent.
 */
export function planGroup(group: Group, members: readonly Alert[], policy: EscalationPolicy, timing: GroupTiming, now: number): Plan {
  const firing = members.filter((a) => a.state === 'firing');
  const resolved = members.filter((a) => a.state === 'resolved' && a.notifiedAt !== null);

  if (group.episodeStart === null) {
    if (firing.length === 0) return { sends: [], ended: true };
    if (now < group.createdAt + timing.groupWaitMs) return { sends: [], ended: false };
    const tier = dueTier(policy, 0);
    // An acknowledgement given during group wait (through the API) holds: no escalation follows.
    Object.assign(group, { episodeStart: now, escalationStart: now, tier, lastFlushAt: now, lastSentAt: now, snapshot: snapshotOf(firing) });
    return { sends: [{ kind: 'first', tiers: range(0, tier), alerts: firing }], ended: false };
  }

  // Everything left the group without resolving (silenced, inhibited, flapping): nothing to say.
  if (firing.length === 0 && resolved.length === 0) return { sends: [], ended: true };
  const sends: Send[] = [];
  const snapshot = snapshotOf(firing);
  const changed = snapshot !== group.snapshot || resolved.length > 0;
  const flushDue = now >= (group.lastFlushAt ?? 0) + timing.groupIntervalMs;

  if (changed && flushDue) {
    // A new unacknowledged machine in an acknowledged group starts escalation afresh.
    if (group.ackedBy !== null && firing.some((a) => a.ackedBy === null)) {
      Object.assign(group, { ackedBy: null, ackedAt: null, escalationStart: now, tier: dueTier(policy, 0) });
    }
    group.snapshot = snapshot;
    group.lastFlushAt = now;
    if (firing.length > 0 || timing.sendResolved) {
      group.lastSentAt = now;
      sends.push({ kind: firing.length > 0 ? 'update' : 'resolved', tiers: range(0, group.tier), alerts: [...firing, ...resolved] });
    }
    if (firing.length === 0) return { sends, ended: true };
  } else if (firing.length === 0 && !timing.sendResolved) {
    return { sends, ended: true };
  }

  if (group.ackedBy === null && firing.length > 0) {
    const due = dueTier(policy, now - (group.escalationStart ?? now));
    if (due > group.tier) {
      sends.push({ kind: 'escalate', tiers: range(group.tier + 1, due), alerts: firing });
      group.tier = due;
      group.lastSentAt = now;
    } else if (sends.length === 0 && now >= (group.lastSentAt ?? 0) + timing.repeatIntervalMs) {
      sends.push({ kind: 'repeat', tiers: [group.tier], alerts: firing });
      group.lastSentAt = now;
      group.lastFlushAt = now;
    }
  }
  return { sends, ended: false };
}
