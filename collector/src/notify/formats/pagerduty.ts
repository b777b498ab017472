import { createHash } from 'node:crypto';
import type { Notification } from '../types.js';
import { clip, common, type FormatOptions, groupReason, groupSeverity, hostOf, iso, limitAlerts, type Severity, title } from './common.js';

export interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: Severity;
    timestamp: string;
    component?: string;
    group?: string;
    class?: string;
    custom_details: Record<string, unknown>;
  };
  links?: Array<{ href: string; text: string }>;
  client?: string;
  client_url?: string;
}

/** PagerDuty limits dedup keys to 255 characters; longer group keys are hashed. */
export function dedupKey(groupKey: string): string {
  return groupKey.length <= 255 ? groupKey : `siaga:${createHash('sha256').update(groupKey).digest('hex')}`;
}

/**
 * A PagerDuty Events API v2 event. The group key is the dedup key, so re-notifications update
 * one incident; acknowledge and resolve events carry only what PagerDuty reads for them.
 */
export function pagerdutyEvent(n: Notification, options: FormatOptions): PagerDutyEvent {
  if (options.routingKey === undefined) throw new Error('pagerduty format needs a routing key');
  const action = n.status === 'resolved' ? 'resolve' : n.acknowledgedBy !== undefined ? 'acknowledge' : 'trigger';
  const event: PagerDutyEvent = { routing_key: options.routingKey, event_action: action, dedup_key: dedupKey(n.groupKey) };
  if (action !== 'trigger') return event;

  const labels = common(n.alerts.map((a) => a.labels));
  const hosts = new Set(n.alerts.map((a) => hostOf(a.labels)));
  const reason = groupReason(n.alerts);
  const { shown, truncated } = limitAlerts(n.alerts, options.maxAlerts);
  const runbook = common(n.alerts.map((a) => a.annotations)).runbook_url;

  event.payload = {
    summary: clip(`${title(n)}${reason ? ` — ${reason}` : ''}`, 1_024),
    source: hosts.size === 1 ? [...hosts][0]! : labels.site ?? 'siaga',
    severity: groupSeverity(n.alerts),
    timestamp: iso(n.timestamp),
    component: labels.check ?? labels.alertname,
    group: labels.site ?? labels.group,
    class: labels.alertname,
    custom_details: {
      tier: n.receiver,
      reason,
      acknowledge_url: n.acknowledgeUrl,
      board_url: n.boardUrl,
      firing: n.alerts.filter((a) => a.status === 'firing').length,
      resolved: n.alerts.filter((a) => a.status === 'resolved').length,
      alerts: shown.map((a) => ({
        host: hostOf(a.labels),
        status: a.status,
        summary: a.annotations.summary,
        reason: a.annotations.description,
        started_at: iso(a.startsAt),
        labels: a.labels,
        ...(a.url ? { url: a.url } : {}),
      })),
      ...(truncated > 0 ? { truncated_alerts: truncated } : {}),
    },
  };
  event.links = [
    { href: n.acknowledgeUrl, text: 'Acknowledge in siaga' },
    { href: n.boardUrl, text: 'Readiness board' },
    ...(runbook ? [{ href: runbook, text: 'Runbook' }] : []),
  ];
  event.client = 'siaga';
  event.client_url = n.boardUrl;
  return event;
}
