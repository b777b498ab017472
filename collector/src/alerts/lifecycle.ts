import type { Alert, AlertEventType, Sample } from './types.js';

/**
 * The alert state machine. A condition that turns active starts an alert: `pending` while it
 * has held for less than the rule's `for`, then `firing`. A pending alert whose condition ends
 * is dropped (`cleared`: nobody was told); a firing one resolves only after `clearAfter`
 * consecutive healthy evaluations (hysteresis).
 */

export function startAlert(s: Sample, id: string, groupKey: string, now: number): { alert: Alert; events: AlertEventType[] } {
  const alert: Alert = {
    id,
    key: s.key,
    rule: s.rule,
    hostId: s.hostId,
    groupKey,
    labels: s.labels,
    summary: s.summary,
    reason: s.reason,
    state: 'pending',
    activeSince: now,
    forMs: s.forMs,
    clearAfter: s.clearAfter,
    firedAt: null,
    resolvedAt: null,
    notifiedAt: null,
    closed: false,
    healthyStreak: 0,
    ackedBy: null,
    ackedAt: null,
    suppressedBy: null,
    updatedAt: now,
  };
  const events: AlertEventType[] = ['pending'];
  if (promote(alert, now)) events.push('fired');
  return { alert, events };
}

/** Applies one evaluation of the alert's condition; returns what happened. */
export function observe(alert: Alert, s: Sample, now: number): AlertEventType[] {
  if (alert.state === 'resolved') return [];
  alert.forMs = s.forMs;
  alert.clearAfter = s.clearAfter;
  if (s.active) {
    alert.healthyStreak = 0;
    alert.reason = s.reason;
    alert.summary = s.summary;
    alert.labels = s.labels;
    alert.updatedAt = now;
    return promote(alert, now) ? ['fired'] : [];
  }
  if (alert.state === 'pending') {
    alert.state = 'resolved';
    alert.resolvedAt = now;
    alert.closed = true;
    alert.updatedAt = now;
    return ['cleared'];
  }
  alert.healthyStreak += 1;
  alert.updatedAt = now;
  if (alert.healthyStreak < alert.clearAfter) return [];
  alert.state = 'resolved';
  alert.resolvedAt = now;
  return ['resolved'];
}

/** Pending → firing once the condition has held for `for`. True when it fired now. */
export function promote(alert: Alert, now: number): boolean {
  if (alert.state !== 'pending' || now - alert.activeSince < alert.forMs) return false;
  alert.state = 'firing';
  alert.firedAt = now;
  alert.updatedAt = now;
  return true;
}
