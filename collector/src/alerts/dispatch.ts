import type { Logger } from '../log.js';
import type { Notification } from '../notify/index.js';
import { signAck } from './ack-token.js';
import type { AlertsConfig, EscalationPolicy } from './config.js';
import type { Send } from './grouping.js';
import { buildNotification } from './notification.js';
import type { AlertStore } from './store.js';
import type { Alert, AlertEventType, Group } from './types.js';

/** The part of the notifier the alert engine uses (synchronous, inside its transaction). */
export interface AlertNotifier {
  enqueue(notification: Notification, receiverNames: readonly string[]): string[];
}

export interface DispatchDeps {
  store: AlertStore;
  notifier: AlertNotifier;
  config: AlertsConfig;
  ackKey: Buffer;
  publicUrl: () => string;
  log: Logger;
}

export type Recorder = (alert: Alert, type: AlertEventType, detail: Record<string, unknown>, at: number) => void;

/**
 * Turns a group's sends into notifications for each tier's receivers and records on every
 * alert of the group what was sent to whom (its machine's repair record). Runs inside the
 * caller's transaction, so outbox rows, group state and events commit together.
 */
export class Dispatcher {
  constructor(
    private readonly deps: DispatchDeps,
    private readonly record: Recorder,
  ) {}

  policyOf(group: Group): EscalationPolicy {
    const { policies, default: fallback } = this.deps.config.escalation;
    return policies[group.escalationPolicy] ?? (policies[fallback] as EscalationPolicy);
  }

  /** The signed acknowledge link for a group, naming the tier it is sent to. */
  ackUrl(groupKey: string, tierName: string, now: number): string {
    const token = signAck(this.deps.ackKey, { g: groupKey, n: tierName, e: Math.floor(now / 1000) + this.deps.config.ackLinkTtl });
    return `${this.base()}/v1/ack/${token}`;
  }

  /** Sends one notification per tier; returns the number of notifications made. */
  send(group: Group, send: Send, now: number, acknowledgedBy?: string): number {
    const policy = this.policyOf(group);
    let made = 0;
    for (const index of send.tiers) {
      const tier = policy.tiers[index];
      if (!tier) continue;
      const notification = buildNotification({
        group,
        alerts: send.alerts,
        tierName: tier.name,
        acknowledgeUrl: this.ackUrl(group.key, tier.name, now),
        boardUrl: `${this.base()}/`,
        now,
        ...(acknowledgedBy !== undefined ? { acknowledgedBy } : {}),
      });
      const deliveries = tier.receivers.length > 0 ? this.deps.notifier.enqueue(notification, tier.receivers) : [];
      if (deliveries.length === 0) this.deps.log.warn({ group: group.key, tier: tier.name }, 'alert tier has no receivers; nobody was paged');
      made++;
      const type: AlertEventType = send.kind === 'escalate' ? 'escalated' : 'notified';
      const detail = { kind: acknowledgedBy !== undefined ? 'acknowledged' : send.kind, tier: tier.name, receivers: tier.receivers, notificationId: notification.id, deliveries, status: notification.status, groupKey: group.key };
      for (const alert of send.alerts) this.record(alert, type, detail, now);
    }
    // The caller persists the alerts (a flapping notice sends copies that must not be saved).
    for (const alert of send.alerts) {
      if (alert.state === 'firing' && alert.notifiedAt === null) alert.notifiedAt = now;
      if (alert.state === 'resolved') alert.closed = true;
    }
    return made;
  }

  private base(): string {
    return this.deps.publicUrl().replace(/\/+$/, '');
  }
}
