/**
 * Bounds the reports the collector works on between reading and acknowledging them, over all
 * agent connections. Each agent keeps at most its ack window (16) unacknowledged, but 15,000
 * agents replaying their spools after an outage would still be a quarter of a million parsed
 * reports in memory. While the budget is spent, connections keep what they read unparsed
 * (HeldFrames); once the reports in work fall to half the budget, waiting connections go on,
 * oldest first, until it is spent again. Past `maxHeldBytes` of raw frames, connections are no
 * longer read at all: TCP pushes back and the data waits in the agents' spools.
 */
export class IngestBudget {
  private inWork = 0;
  private heldBytes = 0;
  /** Callbacks of waiting connections, in the order they started waiting. */
  private readonly waiting = new Set<() => void>();
  private waking = false;
  private waits = 0;

  constructor(
    readonly max: number,
    readonly maxHeldBytes: number,
  ) {}

  get hasRoom(): boolean {
    return this.inWork < this.max;
  }

  /** Raw frames held by all connections exceed `maxHeldBytes`. */
  get bytesOver(): boolean {
    return this.heldBytes > this.maxHeldBytes;
  }

  take(): void {
    this.inWork += 1;
  }

  /** A report was stored (or failed): frees its place. */
  release(): void {
    this.inWork -= 1;
    if (this.waiting.size > 0 && this.inWork <= this.max / 2 && !this.waking) {
      this.waking = true;
      // Outside the caller's promise callback: a woken connection may hand on many reports at once.
      setImmediate(() => this.wake());
    }
  }

  hold(bytes: number): void {
    this.heldBytes += bytes;
  }

  unhold(bytes: number): void {
    this.heldBytes -= bytes;
  }

  /** Calls `go` when there is room again; the returned function forgets the wait. */
  wait(go: () => void): () => void {
    this.waits += 1;
    this.waiting.add(go);
    return () => this.waiting.delete(go);
  }

  stats(): { inWork: number; heldBytes: number; waiting: number; waits: number } {
    return { inWork: this.inWork, heldBytes: this.heldBytes, waiting: this.waiting.size, waits: this.waits };
  }

  private wake(): void {
    this.waking = false;
    for (const go of this.waiting) {
      if (!this.hasRoom) break;
      this.waiting.delete(go);
      go();
    }
  }
}
