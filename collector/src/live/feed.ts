/** One message to every board: an SSE event name and its JSON data. */
export interface FeedMessage {
  event: 'hosts' | 'alerts' | 'log';
  data: unknown;
}

export interface LiveFeedOptions<H, A> {
  /** The host as the board lists it, read when the batch leaves (so it is the newest state). */
  host: (hostId: string) => H | undefined;
  alert: (alertId: string) => A | undefined;
  /** Changes are gathered this long and sent together: 5,000 hosts going offline at once is one message. */
  flushMs?: number;
}

/**
 * Deltas for the boards' live view: which hosts, alerts and log entries changed. Changes are
 * coalesced per id over a short window, so a board receives each host at most once a window,
 * never the whole fleet.
 */
export class LiveFeed<H, A> {
  private readonly hosts = new Set<string>();
  private readonly alerts = new Set<string>();
  private readonly entries: unknown[] = [];
  private readonly subscribers = new Set<(m: FeedMessage) => void>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: LiveFeedOptions<H, A>) {}

  hostChanged(hostId: string): void {
    this.hosts.add(hostId);
    this.schedule();
  }

  alertChanged(alertId: string): void {
    this.alerts.add(alertId);
    this.schedule();
  }

  logAdded(entry: unknown): void {
    this.entries.push(entry);
    this.schedule();
  }

  subscribe(listener: (m: FeedMessage) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Sends what gathered now (also called by the timer). */
  flush(): void {
    this.timer = undefined;
    const messages: FeedMessage[] = [];
    if (this.hosts.size > 0) {
      const hosts = [...this.hosts].map((id) => this.opts.host(id)).filter((h) => h !== undefined);
      this.hosts.clear();
      if (hosts.length > 0) messages.push({ event: 'hosts', data: { hosts } });
    }
    if (this.alerts.size > 0) {
      const alerts = [...this.alerts].map((id) => this.opts.alert(id)).filter((a) => a !== undefined);
      this.alerts.clear();
      if (alerts.length > 0) messages.push({ event: 'alerts', data: { alerts } });
    }
    if (this.entries.length > 0) messages.push({ event: 'log', data: { entries: this.entries.splice(0) } });
    for (const m of messages) for (const s of this.subscribers) s(m);
  }

  private schedule(): void {
    if (this.subscribers.size === 0) {
      this.hosts.clear();
      this.alerts.clear();
      this.entries.length = 0;
      return;
    }
    this.timer ??= setTimeout(() => this.flush(), this.opts.flushMs ?? 250);
    this.timer.unref();
  }
}
