/**
 * Points in the spill that InfluxDB has not taken, and since when: what the drain still has to
 * write. Copies of batches InfluxDB took live are not counted. Kept in the order they were
 * spilled, which is the order the drain writes them, so the oldest entry says how long InfluxDB
 * has been behind on them.
 */
export class UnwrittenBacklog {
  private readonly entries: Array<{ at: number; points: number }> = [];
  private total = 0;

  get points(): number {
    return this.total;
  }

  /** How long the oldest unwritten points have waited, in ms (0 when none wait). */
  ageMs(now: number): number {
    const oldest = this.entries[0];
    return oldest ? now - oldest.at : 0;
  }

  add(points: number, at: number): void {
    if (points <= 0) return;
    this.entries.push({ at, points });
    this.total += points;
  }

  /** The drain wrote `points`, the oldest first. */
  written(points: number): void {
    this.total = Math.max(0, this.total - points);
    let left = points;
    while (left > 0 && this.entries.length > 0) {
      const oldest = this.entries[0] as { at: number; points: number };
      const taken = Math.min(left, oldest.points);
      oldest.points -= taken;
      left -= taken;
      if (oldest.points === 0) this.entries.shift();
    }
  }

  /** The spill is empty: whatever is still counted was skipped as corrupt. */
  clear(): void {
    this.entries.length = 0;
    this.total = 0;
  }
}
