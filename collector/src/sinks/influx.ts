import path from 'node:path';
import type { InfluxConfig } from '../config.js';
import type { Logger } from '../log.js';
import { backoffMs, Sleeper } from './backoff.js';
import { DeadLetter } from './dead-letter.js';
import { InfluxAdmin } from './influx-admin.js';
import { BatchDeliverer, type Delivery } from './influx-deliver.js';
import { LineWriter } from './influx-http.js';
import { pointsToLines } from './line-protocol.js';
import { type Lines, LinesBuilder } from './lines.js';
import type { Admission, Batch, InfluxSinkStats, Waiter } from './influx-batch.js';
import { type SlowWrite, SlowWrites } from './slow-writes.js';
import { Spill, SpillFullError } from './spill.js';
import { StateChanges } from './state-changes.js';
import type { Point, Sink } from './types.js';
import { UnwrittenBacklog } from './unwritten-backlog.js';

/**
 * The InfluxDB sink. `write` resolves once InfluxDB accepted the points, refused them for good
 * (dead-letter file) or they are fdatasynced in the spill; it rejects only when the spill is full
 * or broken (the agent keeps the report and sends it again). Batches leave at `batchSize` points
 * or after `flushIntervalMs`, `concurrency` requests at a time, at most `maxPendingPoints` pending
 * (backpressure). Failed batches are retried, then spilled; one InfluxDB is slow to confirm is
 * acked from the spill; the drain writes the spill to InfluxDB oldest first, probing it while it
 * is down, taking a request slot when no live batch waits or the spill fills (docs/influxdb-writes.md).
 */
export class InfluxSink implements Sink {
  readonly name = 'influx';
  /** Told how every write request went (the collector's "cannot write to InfluxDB" alert). */
  onHealth: ((ok: boolean, error?: string) => void) | undefined;
  private readonly admin: InfluxAdmin;
  private readonly writer: LineWriter;
  readonly spill: Spill; // public for its append times (self-metrics)
  private readonly deadLetter: DeadLetter;
  private readonly deliverer: BatchDeliverer;
  private readonly sleeper = new Sleeper();
  private readonly maxPending: number;
  private open = new LinesBuilder();
  private openWaiters: Waiter[] = [];
  private openedAt = 0; // when the open batch's first points came
  private timer: NodeJS.Timeout | undefined;
  private readonly ready: Batch[] = [];
  private readonly admissions: Admission[] = [];
  private readonly tasks = new Set<Promise<void>>();
  private readonly changes = new StateChanges();
  private active = 0;
  private pending = 0;
  private healthy = true;
  private down: string | undefined; // why batches go to the spill; undefined while InfluxDB takes writes
  private drainer: Promise<void> | undefined;
  private drainWaits = false; // the drain waits for a request slot
  private closed = false;
  private readonly slowWrites: SlowWrites;
  /** Points the drain wrote since the spill was last found empty. */
  private drainedSinceReport = 0;
  private readonly unwritten = new UnwrittenBacklog();
  /** The overload bound (`spill.slowBacklogPoints`, `slowBacklogSec`) applies from then on (performance.now()). */
  private readonly backlogBoundFrom: number;
  private readonly counts = { retries: 0, pointsSpilled: 0, pointsSpilledSlow: 0, slowBacklogWaits: 0, pointsDrained: 0, pointsRefused: 0, backpressureWaits: 0 };

  constructor(
    private readonly config: InfluxConfig,
    private readonly log: Logger,
    dataDir: string,
  ) {
    this.admin = new InfluxAdmin(config, log);
    this.writer = new LineWriter({ ...config, maxSockets: config.concurrency + 1 });
    this.spill = Spill.open(path.join(dataDir, 'influx-spill'), { maxBytes: config.spill.maxBytes, segmentBytes: Math.min(16 * 1024 * 1024, Math.max(64 * 1024, config.spill.maxBytes / 16)) });
    this.slowWrites = new SlowWrites(this.spill);
    this.deadLetter = new DeadLetter(path.join(dataDir, 'influx-dead-letter'), { maxBytes: config.deadLetter.maxBytes, files: 4 });
    this.deliverer = new BatchDeliverer(this.writer, this.deadLetter, log, (ok, detail) => this.answered(ok, detail));
    this.maxPending = config.maxPendingPoints ?? config.batchSize * (config.concurrency + 2);
    // For one status heartbeat after start every host's status points are written once (status
    // thinning has not seen them yet): a known burst, several times the steady stream, that the
    // spill takes whole.
    this.backlogBoundFrom = performance.now() + config.statusHeartbeat * 1000;
  }

  /** Checks InfluxDB, creates the database if asked to, and starts draining what an earlier run spilled. */
  async init(): Promise<void> {
    const server = await this.admin.ping();
    if (server) {
      this.log.info({ url: this.config.url, ...server }, 'InfluxDB reachable');
      if (this.config.createDatabase) await this.admin.createDatabase();
    } else {
      this.log.warn({ url: this.config.url }, 'InfluxDB not reachable at start; points go to the spill until it is');
    }
    const backlog = this.spill.stats();
    this.unwritten.add(backlog.backlogPoints, performance.now());
    if (backlog.backlogPoints > 0) this.log.info({ points: backlog.backlogPoints, bytes: backlog.backlogBytes }, 'InfluxDB spill holds points from before; draining');
    this.drainer = this.drainLoop();
  }

  write(points: readonly Point[]): Promise<void> {
    return this.writeLines(pointsToLines(points));
  }

  /** As `write`, for points already in line protocol (time in ms). */
  writeLines(lines: readonly string[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the InfluxDB sink is closed'));
    if (lines.length === 0) return Promise.resolve();
    if (this.pending < this.maxPending && this.admissions.length === 0) {
      this.pending += lines.length;
      return this.enqueue(lines);
    }
    this.counts.backpressureWaits++;
    return new Promise((resolve, reject) => {
      this.admissions.push({ points: lines.length, go: () => this.enqueue(lines).then(resolve, reject), reject });
    });
  }

  stats(): InfluxSinkStats {
    const d = this.deliverer.counters;
    return { ...d, errors: { ...d.errors }, ...this.counts, healthy: this.healthy, spilling: this.down !== undefined, pendingPoints: this.pending, spillUnwritten: this.unwritten.points, spill: this.spill.stats() };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const a of this.admissions.splice(0)) a.reject(new Error('the InfluxDB sink is closing'));
    this.flush();
    this.sleeper.abortAll();
    this.changes.poke();
    // Queued batches still leave (to InfluxDB, or to the spill if it is down); a batch may wait
    // for the slot of the drain request in flight.
    while (this.tasks.size > 0 || this.ready.length > 0) {
      const poked = this.changes.next();
      await (this.tasks.size > 0 ? Promise.race([Promise.allSettled([...this.tasks]), poked]) : poked);
    }
    await this.drainer;
    await this.spill.close();
    await this.deadLetter.close();
    this.writer.close();
  }

  private enqueue(lines: readonly string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.open.count === 0) this.openedAt = performance.now();
      this.open.pushAll(lines);
      this.openWaiters.push({ resolve, reject });
      if (this.open.count >= this.config.batchSize) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.config.flushIntervalMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.open.count === 0) return;
    const batch: Batch = { lines: this.open.take(), openedAt: this.openedAt, waiters: this.openWaiters };
    this.openWaiters = [];
    const slowMs = this.config.spill.slowWriteMs;
    if (slowMs > 0) batch.slowTimer = setTimeout(() => this.slow(batch), Math.max(0, slowMs - (performance.now() - batch.openedAt)));
    this.ready.push(batch);
    this.pump();
  }

  /** A quarter full, the spill's drain gets a freed request slot before live batches: else it could fill up, never written. */
  private spillPressed(): boolean {
    return this.spill.stats().diskBytes > this.config.spill.maxBytes / 4;
  }

  private pump(): void {
    const slots = this.drainWaits && this.spillPressed() ? this.config.concurrency - 1 : this.config.concurrency;
    while (this.ready.length > 0 && (this.down !== undefined || this.active < slots)) {
      const batch = this.ready.shift() as Batch;
      if (this.down !== undefined) {
        this.track(this.toSpill(batch, batch.lines));
        continue;
      }
      this.active++;
      this.track(
        this.sendLive(batch).finally(() => {
          this.active--;
          this.pump();
          this.changes.poke();
        }),
      );
    }
  }

  private async sendLive(batch: Batch): Promise<void> {
    try {
      let lines = batch.lines;
      for (let attempt = 0; ; attempt++) {
        const result = await this.deliverer.deliver(lines);
        if (result.kind === 'done') {
          this.up();
          if (batch.slow) batch.slow.outcome = 'written';
          return this.settle(batch);
        }
        lines = result.lines;
        if (batch.slow && (await batch.slow.spilled)) {
          // The spill holds the batch: the drain writes (and retries) it from there.
          batch.slow.outcome = 'failed';
          this.unwritten.add(batch.lines.count, batch.openedAt);
          if (result.kind === 'config') this.goDown(result);
          return;
        }
        if (result.kind === 'config' || attempt >= this.config.retries || this.down !== undefined || this.closed) {
          this.goDown(result);
          return this.toSpill(batch, lines);
        }
        this.counts.retries++;
        await this.sleeper.sleep(backoffMs(attempt, this.config.retryBaseMs, this.config.retryMaxMs));
      }
    } finally {
      clearTimeout(batch.slowTimer);
    }
  }

  /**
   * InfluxDB has not confirmed a batch within `spill.slowWriteMs` of its first points. Still queued,
   * InfluxDB is behind: the batch moves to the spill, acked from there, for the drain to write.
   * Being written (InfluxDB snapshots or compacts), a copy goes to the spill and the write goes on.
   * A queued batch stays queued once InfluxDB is overloaded, not paused: `slowBacklogPoints` it
   * has not taken wait in the spill, the oldest for `slowBacklogSec` (after the first status heartbeat).
   */
  private slow(batch: Batch): void {
    if (batch.settled) return;
    const queued = this.ready.indexOf(batch);
    if (queued < 0) {
      batch.slow = this.spillSlow(batch);
      return;
    }
    const now = performance.now();
    if (this.unwritten.points >= this.config.spill.slowBacklogPoints && this.unwritten.ageMs(now) >= this.config.spill.slowBacklogSec * 1000 && now >= this.backlogBoundFrom) {
      this.counts.slowBacklogWaits++;
      return;
    }
    this.ready.splice(queued, 1);
    const spilled = this.spill.append(batch.lines).then(
      () => {
        this.counts.pointsSpilledSlow += batch.lines.count;
        this.unwritten.add(batch.lines.count, batch.openedAt);
        this.settle(batch);
        this.changes.poke();
      },
      (err: Error) => {
        // The spill is full or broken: the batch waits for its live write after all.
        this.log.warn({ points: batch.lines.count, err: err.message }, 'could not spill a batch waiting for InfluxDB');
        this.ready.unshift(batch);
        this.pump();
      },
    );
    this.track(spilled);
  }

  /**
   * A copy of a batch being written goes to the spill and the batch's reports are acknowledged
   * from there, so agents' acks never wait on InfluxDB's pauses. Once the live write succeeds the
   * drain skips the copy, otherwise the drain writes it.
   */
  private spillSlow(batch: Batch): SlowWrite {
    return this.slowWrites.copy(
      batch.lines,
      () => {
        if (!batch.settled) this.counts.pointsSpilledSlow += batch.lines.count;
        this.settle(batch);
        this.changes.poke();
      },
      // The live write still answers for the batch.
      (err) => this.log.warn({ points: batch.lines.count, err: err.message }, 'could not spill a batch InfluxDB is slow to confirm'),
    );
  }

  private async toSpill(batch: Batch, lines: Lines): Promise<void> {
    clearTimeout(batch.slowTimer);
    try {
      await this.spill.append(lines);
      this.counts.pointsSpilled += lines.count;
      this.unwritten.add(lines.count, batch.openedAt);
      this.settle(batch);
      this.changes.poke();
    } catch (err) {
      this.counts.pointsRefused += lines.count;
      const message = err instanceof SpillFullError ? err.message : `cannot write the InfluxDB spill: ${(err as Error).message}`;
      this.log.error({ points: lines.count, dir: this.spill.dir }, message);
      this.settle(batch, err instanceof Error ? err : new Error(message));
    }
  }

  private settle(batch: Batch, err?: Error): void {
    if (batch.settled) return;
    batch.settled = true;
    this.pending -= batch.lines.count;
    for (const w of batch.waiters) {
      if (err) w.reject(err);
      else w.resolve();
    }
    while (this.admissions.length > 0 && this.pending < this.maxPending) {
      const next = this.admissions.shift() as Admission;
      this.pending += next.points;
      next.go();
    }
  }

  /** Drains the spill oldest first; while InfluxDB is down its oldest batch is the probe. */
  private async drainLoop(): Promise<void> {
    let failures = 0;
    let createdDatabase = false;
    while (!this.closed) {
      const batch = await this.spill.peek();
      if (!batch) {
        this.unwritten.clear();
        if (this.down === undefined) await this.until(() => this.down !== undefined || this.spill.stats().backlogPoints > 0);
        else {
          // Nothing spilled to probe with (the spill failed, or an append is still on its way): after a pause, let live batches try again.
          await this.sleeper.sleep(backoffMs(failures++, this.config.retryBaseMs, this.config.retryMaxMs));
          const { backlogPoints, appendingBytes } = this.spill.stats();
          if (backlogPoints === 0 && appendingBytes === 0) this.down = undefined;
        }
        continue;
      }
      const slow = this.slowWrites.take(batch);
      if (slow) {
        await this.until(() => slow.outcome !== 'pending');
        if (this.closed) break;
        if (slow.outcome === 'written') {
          await this.spill.consume(batch);
          this.reportDrained();
          continue;
        }
      }
      this.drainWaits = true;
      if (this.down === undefined) await this.until(() => (this.ready.length === 0 || this.spillPressed()) && this.active < this.config.concurrency);
      this.drainWaits = false;
      if (this.closed) break;
      this.active++;
      const sentAt = performance.now(); // the pace counts the request's own time
      const result = await this.deliverer.deliver(batch.lines).finally(() => this.active--);
      this.pump();
      this.changes.poke();
      if (result.kind === 'done') {
        failures = 0;
        createdDatabase = false;
        this.counts.pointsDrained += batch.lines.count;
        this.drainedSinceReport += batch.lines.count;
        this.unwritten.written(batch.lines.count);
        this.up();
        await this.spill.consume(batch);
        this.reportDrained();
        await this.sleeper.sleep((batch.lines.count / this.config.spill.drainPointsPerSec) * 1000 - (performance.now() - sentAt));
        continue;
      }
      this.goDown(result);
      // Database missing (InfluxDB was down when the collector started, or it was dropped): create it once.
      if (result.kind === 'config' && result.status === 404 && this.config.createDatabase && !createdDatabase) {
        createdDatabase = await this.admin.createDatabase();
        if (createdDatabase) continue;
      }
      await this.sleeper.sleep(result.kind === 'config' ? this.config.retryMaxMs : backoffMs(failures++, this.config.retryBaseMs, this.config.retryMaxMs));
    }
  }

  /** Logs once the drain has written a backlog and the spill is empty, whichever record came last. */
  private reportDrained(): void {
    if (this.drainedSinceReport === 0 || this.spill.stats().backlogPoints > 0) return;
    this.log.info({ drained: this.drainedSinceReport }, 'InfluxDB spill drained');
    this.drainedSinceReport = 0;
  }

  private answered(ok: boolean, detail?: string): void {
    if (ok !== this.healthy) {
      if (ok) this.log.info({ backlog: this.spill.stats().backlogPoints }, 'InfluxDB accepts writes again');
      else this.log.warn({ err: detail }, 'InfluxDB write failed');
    }
    this.healthy = ok;
    try {
      this.onHealth?.(ok, detail);
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'InfluxDB health listener failed');
    }
  }

  private goDown(result: Exclude<Delivery, { kind: 'done' }>): void {
    if (this.down === undefined) this.log.warn({ err: result.message, class: result.kind }, 'InfluxDB unusable; points go to the spill until it answers again');
    this.down = result.message;
    this.changes.poke();
  }

  private up(): void {
    this.down = undefined;
    this.changes.poke();
  }

  private track(task: Promise<void>): void {
    this.tasks.add(task);
    void task.finally(() => this.tasks.delete(task));
  }

  /** Waits until `condition` holds (re-checked whenever the sink's state changes) or the sink closes. */
  private async until(condition: () => boolean): Promise<void> {
    while (!this.closed && !condition()) await this.changes.next();
  }
}
