import type { Lines } from './lines.js';
import type { SlowWrite } from './slow-writes.js';

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
