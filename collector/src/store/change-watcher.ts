import type { Db } from './db.js';

/**
 * Notices commits made to the store by another process (the `siaga-collector` CLI revoking a
 * host, say). SQLite's `data_version` changes only for other connections' commits, so polling it
 * costs one pragma per interval and never fires for the collector's own writes.
 */
export class StoreChangeWatcher {
  private readonly version;
  private last: number;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners: Array<() => void> = [];

  constructor(
    db: Db,
    private readonly everyMs: number,
  ) {
    this.version = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.last = this.version.get() as number;
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  start(): void {
    this.stop();
    this.timer = setInterval(() => this.poll(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Checks once; exposed so tests and shutdown paths need not wait for the timer. */
  poll(): void {
    const now = this.version.get() as number;
    if (now === this.last) return;
    this.last = now;
    for (const listener of this.listeners) listener();
  }
}
