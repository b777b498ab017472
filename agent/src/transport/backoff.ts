/**
 * Exponential backoff with full jitter (AWS architecture blog's "full jitter"): spreads a fleet
 * of reconnecting agents evenly instead of in waves.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly baseMs = 1_000,
    private readonly maxMs = 60_000,
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    const ceiling = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    return Math.round(this.baseMs / 2 + this.random() * (ceiling - this.baseMs / 2));
  }

  reset(): void {
    this.attempt = 0;
  }
}
