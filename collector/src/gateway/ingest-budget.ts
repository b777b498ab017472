/**
 * Bounds the reports the collector works on between reading and acknowledging them, over all
 * agent connections. Each agent keeps at most its ack window (16) unacknowledged, but 15,000
 * agents replaying their spools after an outage would still be a quarter of a million parsed
 * reports in memory. While the budget is spent, a connection keeps the frames it already read as
 * raw bytes and is not read further: TCP pushes back and the data waits in the agent's spool.
 * Once the reports in work fall to half the budget, waiting connections go on oldest first until
 * the budget is spent again.
 */
export class IngestBudget {
  private held = 0;
  /** Callbacks of waiting connections, in the order they started waiting. */
  private readonly waiting = new Set<() => void>();
  private waking = false;
  private waits = 0;

  constructor(readonly max: number) {}

  get hasRoom(): boolean {
    return this.held < this.max;
  }

  take(): void {
    this.held += 1;
  }

  /** A report was stored (or failed): frees its place. */
  release(): void {
    this.held -= 1;
    if (this.waiting.size > 0 && this.held <= this.max / 2 && !this.waking) {
      this.waking = true;
      // Outside the caller's promise callback: a woken connection may take many reports at once.
      setImmediate(() => this.wake());
    }
  }

  /** Calls `go` when there is room again; the returned function forgets the wait (the connection closed). */
  wait(go: () => void): () => void {
    this.waits += 1;
    this.waiting.add(go);
    return () => this.waiting.delete(go);
  }

  stats(): { held: number; waiting: number; waits: number } {
    return { held: this.held, waiting: this.waiting.size, waits: this.waits };
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
