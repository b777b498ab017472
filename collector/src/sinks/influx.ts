import { InfluxDB, type IPoint } from 'influx';
import type { InfluxConfig } from '../config.js';
import type { Logger } from '../log.js';
import type { Point, Sink } from './types.js';

interface Pending {
  points: IPoint[];
  waiters: Array<{ resolve: () => void; reject: (err: Error) => void }>;
}

/**
 * Writes points to InfluxDB in batches: a batch leaves when it is full or when its oldest point
 * has waited `flushIntervalMs`. `write` resolves when InfluxDB accepted the batch holding it.
 */
export class InfluxSink implements Sink {
  readonly name = 'influx';
  private readonly influx: InfluxDB;
  private batch: Pending = { points: [], waiters: [] };
  private timer: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<void>>();
  /** Told how every write went (the collector's "cannot write to InfluxDB" alert). */
  onHealth: ((ok: boolean, error?: string) => void) | undefined;

  constructor(
    private readonly config: InfluxConfig,
    private readonly log: Logger,
  ) {
    const url = new URL(config.url);
    this.influx = new InfluxDB({
      host: url.hostname,
      port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      protocol: url.protocol === 'https:' ? 'https' : 'http',
      database: config.database,
      ...(config.username ? { username: config.username } : {}),
      ...(config.password ? { password: config.password } : {}),
    });
  }

  async init(): Promise<void> {
    if (!this.config.createDatabase) return;
    try {
      await this.influx.createDatabase(this.config.database);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'could not create the InfluxDB database (it may already exist or the user lacks the right)');
    }
  }

  write(points: readonly Point[]): Promise<void> {
    if (points.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      for (const p of points) {
        this.batch.points.push({ measurement: p.measurement, tags: p.tags, fields: p.fields, timestamp: p.time });
      }
      this.batch.waiters.push({ resolve, reject });
      if (this.batch.points.length >= this.config.batchSize) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.config.flushIntervalMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.batch;
    if (batch.points.length === 0) return;
    this.batch = { points: [], waiters: [] };
    const options = { precision: 'ms' as const, ...(this.config.retentionPolicy ? { retentionPolicy: this.config.retentionPolicy } : {}) };
    const written = this.influx.writePoints(batch.points, options);
    this.watchHealth(written);
    const done = written.then(
      () => batch.waiters.forEach((w) => w.resolve()),
      (err: Error) => {
        this.log.error({ err: err.message, points: batch.points.length }, 'InfluxDB write failed');
        batch.waiters.forEach((w) => w.reject(err));
      },
    );
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }

  private watchHealth(written: Promise<void>): void {
    void written.then(
      () => this.onHealth?.(true),
      (err: Error) => this.onHealth?.(false, err.message),
    );
  }

  async close(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.inFlight]);
  }
}
