import { randomUUID } from 'node:crypto';
import type { Notification, NotificationAlert } from '../notify/index.js';
import type { Alert, Group } from './types.js';

export interface NotificationContext {
  group: Group;
  alerts: readonly Alert[];
  /** The tier's name, shown as the notification's receiver. */
  tierName: string;
  acknowledgeUrl: string;
  boardUrl: string;
  acknowledgedBy?: string;
  now: number;
}

/** Group keys read like Alertmanager's: `site=hq/rule=host_offline`. */
export const groupKeyOf = (site: string, rule: string): string => `site=${site}/rule=${rule}`;

function toNotificationAlert(a: Alert): NotificationAlert {
  return {
    id: a.id,
    status: a.state === 'resolved' ? 'resolved' : 'firing',
    labels: a.labels,
    annotations: { summary: a.summary, description: a.reason },
    startsAt: a.firedAt ?? a.activeSince,
    endsAt: a.state === 'resolved' ? a.resolvedAt : null,
  };
}

/** The notify module's view of one group at one moment, addressed to one tier. */
export function buildNotification(ctx: NotificationContext): Notification {
  const { group } = ctx;
  const firing = ctx.alerts.some((a) => a.state === 'firing');
  const groupLabels: Record<string, string> = { alertname: group.rule };
  if (group.site !== '') groupLabels.site = group.site;
  const n: Notification = {
    id: `ntf_${randomUUID()}`,
    groupKey: group.key,
    status: firing ? 'firing' : 'resolved',
    receiver: ctx.tierName,
    groupLabels,
    alerts: ctx.alerts.map(toNotificationAlert),
    acknowledgeUrl: ctx.acknowledgeUrl,
    boardUrl: ctx.boardUrl,
    timestamp: ctx.now,
  };
  if (ctx.acknowledgedBy !== undefined) n.acknowledgedBy = ctx.acknowledgedBy;
  return n;
}
