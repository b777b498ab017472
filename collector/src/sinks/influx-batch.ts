import type { DeliveryCounters } from './influx-deliver.js';
import type { Lines } from './lines.js';
import type { SlowWrite } from './slow-writes.js';
import type { SpillStats } from './spill.js';

/** Someone waiting for points to be durable: an ingest's write. */
export type Waiter = { resolve: () => void; reject: (err: Error) => void };

/** Points on their way to InfluxDB, with whoever waits for them. */
export interface Batch {
  lines: Lines;
  openedAt: number; // when its first points came
  waiters: Waiter[];
  /** Its waiters were answered (by InfluxDB, or by the spill when InfluxDB was slow). */
  settled?: boolean;
  /** Fires `spill.slowWriteMs` after the batch's first points came, unless InfluxDB confirmed it by then. */
  slowTimer?: NodeJS.Timeout;
  /** Its copy in the spill, made while the live write was slow. */
  slow?: SlowWrite;
}

/** A write waiting for room under `maxPendingPoints` (backpressure). */
export interface Admission {
  points: number;
  go: () => void;
  reject: (err: Error) => void;
}

export interface InfluxSinkStats extends DeliveryCounters {
  /** The last write request was answered. */
  healthy: boolean;
  /** New batches go straight to the spill (InfluxDB unreachable or refusing our credentials). */
  spilling: boolean;
  retries: number;
  pointsSpilled: number;
  /** Points acknowledged from the spill because InfluxDB had not confirmed them within `spill.slowWriteMs`. */
  pointsSpilledSlow: number;
  /** Slow batches that waited for InfluxDB because it was overloaded (`spill.slowBacklogPoints` unwritten, the oldest `slowBacklogSec` old). */
  slowBacklogWaits: number;
  /** Points in the spill that InfluxDB has not taken (copies of batches it took live not counted). */
  spillUnwritten: number;
  pointsDrained: number;
  /** Points refused to the caller because the spill was full or failed (the agent keeps them). */
  pointsRefused: number;
  pendingPoints: number;
  /** Writes that had to wait for room (backpressure). */
  backpressureWaits: number;
  spill: SpillStats;
}
