import { randomUUID } from 'node:crypto';
import { ErrorCode, SiagaError } from '@siaga/shared';
import type { Logger } from '../log.js';
import type { Db } from '../store/db.js';
import { attemptDelivery } from './attempt.js';
import type { NotifyConfig, ReceiverConfig } from './config.js';
import { DestinationGuard, type Resolver } from './destination.js';
import { renderBody } from './formats/index.js';
import { type AttemptRecord, type AttemptResult, type DeliveryRecord, type NewDelivery, OutboxStore, type QueuedDelivery } from './outbox-store.js';
import { backoffDelay, type Outcome } from './retry.js';
import type { Notification } from './types.js';

export interface NotifierOptions {
  db: Db;
  config: NotifyConfig;
  log: Logger;
  now?: () => number;
  /** Jitter source, [0, 1). */
  random?: () => number;
  /** Host name resolution for the SSRF guard (the system resolver by default). */
  resolver?: Resolver;
}

/** Monotonic since start, for metrics. */
export interface NotifyCounters {
  /** Deliveries that got a 2xx. */
  sent: number;
  /** Deliveries that ran out of attempts or time. */
  failed: number;
  /** Attempts after the first. */
  retried: number;
  /** Deliveries refused for good (4xx, refused destination, receiver removed). */
  dead: number;
}

export type HistoryQuery = { notificationId: string } | { alertId: string } | { groupKey: string };

const HOUR_MS = 3_600_000;
/** setTimeout's longest delay. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Delivers notifications to webhook receivers through a durable outbox. `enqueue` writes one
 * row per receiver before anything is sent; the dispatcher attempts due rows with bounded
 * concurrency, retries with backoff, and resumes whatever is pending after a restart. Each
 * row's id is its `webhook-id`, the same on every attempt, so receivers can deduplicate
 * (delivery is at least once).
 */
export class Notifier {
  private readonly store: OutboxStore;
  private readonly guard: DestinationGuard;
  private readonly receivers: ReadonlyMap<string, ReceiverConfig>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly log: Logger;
  private readonly inFlight = new Map<string, AbortController>();
  private readonly running = new Set<Promise<void>>();
  private readonly count: NotifyCounters = { sent: 0, failed: 0, retried: 0, dead: 0 };
  private started = false;
  private wakeTimer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: NotifierOptions) {
    this.store = new OutboxStore(options.db);
    this.guard = new DestinationGuard(options.config.allowNetworks, options.resolver);
    this.receivers = new Map(options.config.receivers.map((r) => [r.name, r]));
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.log = options.log.child({ module: 'notify' });
  }

  hasReceiver(name: string): boolean {
    return this.receivers.has(name);
  }

  /**
   * Renders `notification` for each named receiver and stores one pending delivery per receiver;
   * returns their ids (the webhook-ids). Synchronous: called inside the caller's
   * `db.transaction(...)` on the same database, the rows commit or roll back with it.
   */
  enqueue(notification: Notification, receiverNames: readonly string[]): string[] {
    if (notification.alerts.length === 0) throw new SiagaError(ErrorCode.internal, `notification ${notification.id} has no alerts`);
    const createdAt = this.now();
    const rows: NewDelivery[] = [...new Set(receiverNames)].map((name) => {
      const receiver = this.receivers.get(name);
      if (!receiver) throw new SiagaError(ErrorCode.unknownReceiver, `unknown receiver ${name} (configured: ${[...this.receivers.keys()].join(', ') || 'none'})`);
      return {
        id: `msg_${randomUUID()}`,
        notificationId: notification.id,
        groupKey: notification.groupKey,
        alertIds: notification.alerts.map((a) => a.id),
        receiver: name,
        format: receiver.format,
        url: receiver.url,
        body: renderBody(receiver.format, notification, { maxAlerts: receiver.maxAlerts, routingKey: receiver.routingKey }),
        signing: receiver.secret ? 'standard-webhooks' : 'none',
        createdAt,
      };
    });
    this.store.insert(rows);
    // After the caller's transaction has committed (better-sqlite3 transactions are synchronous).
    if (this.started) setImmediate(() => this.pump());
    return rows.map((r) => r.id);
  }

  /** Starts delivering, beginning with whatever was left pending. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const pending = this.store.pendingCount();
    if (pending > 0) this.log.info({ pending }, 'resuming pending webhook deliveries');
    this.prune();
    this.pruneTimer = setInterval(() => this.prune(), HOUR_MS);
    this.pruneTimer.unref();
    this.pump();
  }

  /** Stops delivering; attempts in flight are aborted and stay pending for the next start. */
  async stop(): Promise<void> {
    this.started = false;
    clearTimeout(this.wakeTimer);
    clearInterval(this.pruneTimer);
    for (const controller of this.inFlight.values()) controller.abort();
    await Promise.allSettled([...this.running]);
  }

  counters(): NotifyCounters {
    return { ...this.count };
  }

  pendingCount(): number {
    return this.store.pendingCount();
  }

  /** Deliveries of one notification, alert or group, newest first. */
  history(query: HistoryQuery, limit = 100): DeliveryRecord[] {
    return this.store.history(query, limit);
  }

  /** Every attempt of one delivery, in order. */
  attempts(deliveryId: string): AttemptRecord[] {
    return this.store.attempts(deliveryId);
  }

  /** Starts due deliveries while slots are free and sets a timer for the next one. */
  private pump(): void {
    if (!this.started) return;
    clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    const { concurrency } = this.options.config;
    const now = this.now();
    const heads = this.store.nextHeads(concurrency + this.inFlight.size + 1).filter((d) => !this.inFlight.has(d.id));
    for (const delivery of heads) {
      if (delivery.nextAttemptAt > now) {
        this.wakeTimer = setTimeout(() => this.pump(), Math.min(delivery.nextAttemptAt - now, MAX_TIMER_MS));
        return;
      }
      // Due but no free slot: the attempt that ends next pumps again.
      if (this.inFlight.size >= concurrency) return;
      this.launch(delivery);
    }
  }

  private launch(delivery: QueuedDelivery): void {
    const controller = new AbortController();
    this.inFlight.set(delivery.id, controller);
    const done: Promise<void> = this.deliver(delivery, controller.signal)
      .catch((err: unknown) => this.log.error({ err, delivery: delivery.id }, 'webhook delivery bookkeeping failed'))
      .finally(() => {
        this.inFlight.delete(delivery.id);
        this.running.delete(done);
        this.pump();
      });
    this.running.add(done);
  }

  private async deliver(delivery: QueuedDelivery, signal: AbortSignal): Promise<void> {
    const receiver = this.receivers.get(delivery.receiver);
    if (receiver === undefined) return this.abandon(delivery, `receiver ${delivery.receiver} is no longer configured`);
    if (delivery.signing === 'standard-webhooks' && !receiver.secret) {
      return this.abandon(delivery, `receiver ${delivery.receiver} no longer has a secret; a signed delivery is not sent unsigned`);
    }

    const attempt = delivery.attempts + 1;
    const startedAt = this.now();
    this.store.beginAttempt(delivery.id, attempt, receiver.url, startedAt);
    if (attempt > 1) this.count.retried++;
    let report;
    try {
      report = await attemptDelivery(delivery, receiver, this.guard, this.now, signal);
    } catch (err) {
      // Aborted by stop(): the delivery stays pending and is due again at the next start.
      const error = `attempt aborted: ${(err as Error).message}`;
      this.store.endAttempt(delivery.id, attempt, { durationMs: this.now() - startedAt, address: null, statusCode: null, error }, { status: 'pending', nextAttemptAt: startedAt });
      return;
    }
    const finishedAt = this.now();
    const { outcome, address } = report;
    const result = { durationMs: finishedAt - startedAt, address, statusCode: outcome.status, error: outcome.kind === 'delivered' ? null : outcome.error };
    const context = { delivery: delivery.id, receiver: receiver.name, attempt, status: outcome.status };

    if (outcome.kind === 'delivered') {
      this.store.endAttempt(delivery.id, attempt, result, { status: 'delivered', at: finishedAt });
      this.count.sent++;
      this.log.info(context, 'webhook delivered');
      return;
    }
    if (outcome.kind === 'dead') {
      this.store.endAttempt(delivery.id, attempt, result, { status: 'dead', at: finishedAt });
      this.count.dead++;
      this.log.error({ ...context, error: outcome.error }, 'webhook refused; not retrying');
      return;
    }
    this.retryOrFail(delivery, attempt, outcome, result, finishedAt);
  }

  private retryOrFail(delivery: QueuedDelivery, attempt: number, outcome: Extract<Outcome, { kind: 'retry' }>, result: AttemptResult, now: number): void {
    const { retry } = this.options.config;
    // Retry-After is honoured, but never sooner than the base delay.
    const delay = outcome.retryAfterMs !== undefined ? Math.max(outcome.retryAfterMs, retry.baseDelayMs) : backoffDelay(attempt, retry, this.random);
    const nextAttemptAt = now + delay;
    const context = { delivery: delivery.id, receiver: delivery.receiver, attempt, status: outcome.status, error: outcome.error };
    if (attempt >= retry.maxAttempts || nextAttemptAt > delivery.createdAt + retry.maxAgeMs) {
      const why = attempt >= retry.maxAttempts ? `after ${attempt} attempts (notify.retry.maxAttempts)` : `after ${attempt} attempts; the next would be past notify.retry.maxAgeMs`;
      this.store.endAttempt(delivery.id, attempt, { ...result, error: `${outcome.error}; gave up ${why}` }, { status: 'failed', at: now });
      this.count.failed++;
      this.log.error(context, `webhook delivery failed ${why}`);
      return;
    }
    this.store.endAttempt(delivery.id, attempt, result, { status: 'pending', nextAttemptAt });
    this.log.warn({ ...context, retryInMs: delay }, 'webhook attempt failed; will retry');
  }

  private abandon(delivery: QueuedDelivery, error: string): void {
    this.store.abandon(delivery.id, error);
    this.count.dead++;
    this.log.error({ delivery: delivery.id, receiver: delivery.receiver, error }, 'webhook delivery abandoned');
  }

  private prune(): void {
    const removed = this.store.pruneFinished(this.now() - this.options.config.historyDays * 24 * HOUR_MS);
    if (removed > 0) this.log.info({ removed }, 'pruned old webhook deliveries');
  }
}
