/**
 * What the alert engine hands to the notifier: one alert group at one moment, addressed to
 * one escalation tier. Formats turn it into a receiver's JSON; the outbox delivers that JSON.
 */

/** Label names and values; `alertname` is always present. */
export type AlertLabels = Readonly<Record<string, string>>;

/**
 * Annotations in Prometheus' vocabulary: `summary` (one line), `description` (the reason, e.g.
 * "Disk C: 3% free (needs 10%)"), optional `runbook_url`, and any others the rule adds.
 */
export type AlertAnnotations = Readonly<Record<string, string>> & {
  readonly summary: string;
  readonly description: string;
};

export type AlertStatus = 'firing' | 'resolved';

export interface NotificationAlert {
  /** The alert engine's id of this alert (host + rule); delivery history is kept per id. */
  id: string;
  status: AlertStatus;
  /** alertname, host, hostname, site, group, check, severity, tier, … */
  labels: AlertLabels;
  annotations: AlertAnnotations;
  /** Epoch milliseconds. */
  startsAt: number;
  /** Epoch milliseconds; null while the alert is still firing. */
  endsAt: number | null;
  /** Where this alert is shown (the host's page on the board); defaults to the board URL. */
  url?: string;
}

export interface Notification {
  /** The alert engine's id of this notification (one per group, tier and change); history is kept per id. */
  id: string;
  /** Stable key of the alert group, e.g. `site=hq/rule=disk_free`; receivers deduplicate on it. */
  groupKey: string;
  /** `firing` while any alert in the group fires. */
  status: AlertStatus;
  /** The escalation tier or route being paged, e.g. `L1 helpdesk`. */
  receiver: string;
  /** The labels the group is keyed on (e.g. site and alertname). */
  groupLabels: AlertLabels;
  alerts: readonly NotificationAlert[];
  /** One click acknowledges the group and stops escalation. */
  acknowledgeUrl: string;
  /** The readiness board (Alertmanager's externalURL). */
  boardUrl: string;
  /** Set once someone acknowledged; PagerDuty receives an `acknowledge` event. */
  acknowledgedBy?: string;
  /** When the alert engine produced this notification, epoch milliseconds. */
  timestamp: number;
}

export const FORMATS = ['alertmanager', 'slack', 'pagerduty'] as const;
export type Format = (typeof FORMATS)[number];

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'dead'] as const;
/**
 * `pending` waits for its next attempt; `delivered` got a 2xx; `failed` ran out of attempts or
 * time (notify.retry); `dead` was refused for good (4xx, refused destination, receiver gone).
 */
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
