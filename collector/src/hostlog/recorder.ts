import type { Alert, AlertEvent } from '../alerts/index.js';
import type { HostStore } from '../store/hosts.js';
import type { HostLogStore, LogEntry } from './store.js';

export const SYSTEM_AUTHOR = 'siaga';

const minutes = (ms: number) => (ms < 90_000 ? `${Math.max(1, Math.round(ms / 1000))} s` : ms < 5_400_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 3_600_000).toFixed(1)} h`);

/** The log line for an alert event, or undefined for events that are not part of a machine's history. */
export function describeAlertEvent(e: AlertEvent, a: Alert): string | undefined {
  switch (e.type) {
    case 'fired':
      return `Alert ${a.rule}: ${a.reason}`;
    case 'acknowledged':
      return `Alert ${a.rule} acknowledged by ${String(e.detail.by ?? 'someone')}`;
    case 'resolved':
      return `Alert ${a.rule} resolved after ${minutes(e.at - (a.firedAt ?? a.activeSince))}`;
    default:
      return undefined;
  }
}

/**
 * Writes alert events (raised, acknowledged, resolved) into the maintenance log of the machine
 * they concern, so a machine's record reads as one story. Site-wide and collector alerts have
 * no machine and are left out.
 */
export function recordAlertEvents(log: HostLogStore, hosts: HostStore, added: (entry: LogEntry) => void): (e: AlertEvent, a: Alert) => void {
  return (e, a) => {
    const text = describeAlertEvent(e, a);
    if (!text || !hosts.get(e.hostId)) return;
    added(log.add({ hostId: e.hostId, at: e.at, recordedAt: e.at, author: SYSTEM_AUTHOR, kind: 'alert', text, alertId: a.id }));
  };
}
