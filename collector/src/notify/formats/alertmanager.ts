import type { Notification } from '../types.js';
import { common, type FormatOptions, iso, limitAlerts } from './common.js';
import { fingerprint } from './fingerprint.js';

/** Alertmanager writes this for an alert that has not ended. */
const NOT_ENDED = '0001-01-01T00:00:00Z';

export interface AlertmanagerAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

export interface AlertmanagerPayload {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: AlertmanagerAlert[];
}

/**
 * The Alertmanager webhook payload (version 4), which on-call tools accept as is. The group's
 * acknowledge link (and who acknowledged) ride along as the annotations `acknowledge_url` and
 * `acknowledged_by` on every alert, so they also appear in commonAnnotations.
 */
export function alertmanagerPayload(n: Notification, options: FormatOptions): AlertmanagerPayload {
  const { shown, truncated } = limitAlerts(n.alerts, options.maxAlerts);
  const extra: Record<string, string> = { acknowledge_url: n.acknowledgeUrl };
  if (n.acknowledgedBy !== undefined) extra.acknowledged_by = n.acknowledgedBy;
  const alerts = shown.map(
    (a): AlertmanagerAlert => ({
      status: a.status,
      labels: { ...a.labels },
      annotations: { ...a.annotations, ...extra },
      startsAt: iso(a.startsAt),
      endsAt: a.endsAt === null ? NOT_ENDED : iso(a.endsAt),
      generatorURL: a.url ?? n.boardUrl,
      fingerprint: fingerprint(a.labels),
    }),
  );
  return {
    version: '4',
    groupKey: n.groupKey,
    truncatedAlerts: truncated,
    status: n.status,
    receiver: n.receiver,
    groupLabels: { ...n.groupLabels },
    // Like Alertmanager: computed over the whole group, before truncation.
    commonLabels: common(n.alerts.map((a) => a.labels)),
    commonAnnotations: { ...common(n.alerts.map((a) => a.annotations)), ...extra },
    externalURL: n.boardUrl,
    alerts,
  };
}
