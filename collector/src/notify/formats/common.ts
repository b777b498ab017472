import type { AlertLabels, Notification, NotificationAlert } from '../types.js';

/** Options a receiver passes to its format. */
export interface FormatOptions {
  /** Alerts per notification; 0 sends all. */
  maxAlerts: number;
  /** PagerDuty routing key. */
  routingKey?: string;
}

/** Epoch milliseconds as RFC 3339 UTC. */
export const iso = (ms: number): string => new Date(ms).toISOString();

/** The labels (or annotations) every alert carries with the same value. */
export function common(maps: ReadonlyArray<Readonly<Record<string, string>>>): Record<string, string> {
  const [first, ...rest] = maps;
  const out: Record<string, string> = {};
  if (!first) return out;
  for (const [key, value] of Object.entries(first)) {
    if (rest.every((m) => m[key] === value)) out[key] = value;
  }
  return out;
}

export function limitAlerts(alerts: readonly NotificationAlert[], maxAlerts: number): { shown: readonly NotificationAlert[]; truncated: number } {
  if (maxAlerts <= 0 || alerts.length <= maxAlerts) return { shown: alerts, truncated: 0 };
  return { shown: alerts.slice(0, maxAlerts), truncated: alerts.length - maxAlerts };
}

/** Name of the machine an alert is about. */
export const hostOf = (labels: AlertLabels): string => labels.hostname ?? labels.host ?? labels.alertname ?? 'unknown';

/**
 * One line naming the group, like Alertmanager's default title:
 * `[FIRING:2] disk_free hq — Disk space low`.
 */
export function title(n: Notification): string {
  const firing = n.alerts.filter((a) => a.status === 'firing').length;
  const status = n.status === 'firing' ? `FIRING:${firing}` : 'RESOLVED';
  const values = Object.keys(n.groupLabels)
    .sort()
    .map((k) => n.groupLabels[k]);
  const summary = common(n.alerts.map((a) => a.annotations)).summary;
  return `[${status}] ${values.join(' ')}${summary ? ` — ${summary}` : ''}`.trim();
}

/**
 * The group's reason in one line: the shared description, or the first host's with a count of
 * the others (`WS-014: Disk C: 3% free (needs 10%) (+1 more)`).
 */
export function groupReason(alerts: readonly NotificationAlert[]): string {
  const shared = common(alerts.map((a) => a.annotations)).description;
  if (shared !== undefined) return shared;
  const [first] = alerts;
  if (!first) return '';
  const more = alerts.length > 1 ? ` (+${alerts.length - 1} more)` : '';
  return `${hostOf(first.labels)}: ${first.annotations.description}${more}`;
}

const SEVERITY_RANK = ['info', 'warning', 'error', 'critical'] as const;
export type Severity = (typeof SEVERITY_RANK)[number];

function severityOf(label: string | undefined): Severity {
  switch (label?.toLowerCase()) {
    case 'critical':
    case 'page':
      return 'critical';
    case 'warning':
    case 'warn':
      return 'warning';
    case 'info':
    case 'none':
      return 'info';
    default:
      return 'error';
  }
}

/** The highest severity among the firing alerts (all alerts when none fires). */
export function groupSeverity(alerts: readonly NotificationAlert[]): Severity {
  const firing = alerts.filter((a) => a.status === 'firing');
  const considered = firing.length > 0 ? firing : alerts;
  let rank = -1;
  for (const a of considered) rank = Math.max(rank, SEVERITY_RANK.indexOf(severityOf(a.labels.severity)));
  return SEVERITY_RANK[Math.max(rank, 0)] as Severity;
}

/** Cuts text to `max` characters, marking the cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
