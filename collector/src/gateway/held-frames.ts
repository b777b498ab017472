import WebSocket from 'ws';
import type { IngestBudget } from './ingest-budget.js';
import { pausedFor, pauseReading, resumeReading } from './read-pause.js';

/** An agent keeps at most 16 reports unacknowledged; more held frames than this means it ignores that. */
const MAX_HELD_FRAMES = 64;

/**
 * One connection's frames read while the ingest budget was spent: kept as their text, in arrival
 * order, and handed on once the budget has room. The socket is still read meanwhile, so pings
 * and pongs keep the connection alive; only an agent holding more than MAX_HELD_FRAMES, or all
 * connections together holding more than the budget's byte limit, stops being read.
 */
interface Held {
  /** Decoded at once: the frame's buffer may share its memory with the whole 64 KiB socket read it came in, and parsing needs the text anyway. */
  text: string;
  bytes: number;
  /** When it was read: a report's time of arrival, not of handling, says whether it is live. */
  at: number;
}

export class HeldFrames {
  private frames: Held[] = [];
  private cancelWait: (() => void) | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly budget: IngestBudget,
    private readonly handle: (text: string, receivedAt: number) => void,
    private readonly now: () => number,
  ) {}

  /** Holds `data` when the budget is spent or earlier frames wait; false when the caller may handle it now. */
  offer(data: Buffer): boolean {
    if (this.frames.length === 0 && this.budget.hasRoom) return false;
    this.frames.push({ text: data.toString('utf8'), bytes: data.length, at: this.now() });
    this.budget.hold(data.length);
    if (this.frames.length > MAX_HELD_FRAMES || this.budget.bytesOver) pauseReading(this.ws, 'budget');
    this.cancelWait ??= this.budget.wait(() => this.release());
    return true;
  }

  /** True while the socket is not read because of the budget (its pongs wait unread too). */
  get paused(): boolean {
    return pausedFor(this.ws, 'budget');
  }

  /** The connection closed: forget the frames and the wait. */
  drop(): void {
    this.cancelWait?.();
    this.cancelWait = undefined;
    for (const f of this.frames) this.budget.unhold(f.bytes);
    this.frames = [];
  }

  private release(): void {
    this.cancelWait = undefined;
    while (this.frames.length > 0 && this.budget.hasRoom && this.ws.readyState === WebSocket.OPEN) {
      const frame = this.frames.shift() as Held;
      this.budget.unhold(frame.bytes);
      this.handle(frame.text, frame.at);
    }
    if (this.ws.readyState !== WebSocket.OPEN) return this.drop();
    if (this.frames.length > 0) this.cancelWait = this.budget.wait(() => this.release());
    else if (this.paused) resumeReading(this.ws, 'budget');
  }
}
