import type { SpoolGap } from './types.js';

const MAX_GAPS = 20;

/**
 * Remembers which reports were dropped to respect a bound, as runs of consecutive drops, so the
 * agent can say what it lost. Drops with no delivery in between merge into one run.
 */
export class GapLog {
  private gaps: SpoolGap[];
  private mergeNext = false;

  /** `open`: the last run may still grow (nothing was delivered since its last drop). */
  constructor(initial: readonly SpoolGap[] = [], open = false) {
    this.gaps = initial.slice(-MAX_GAPS).map((g) => ({ ...g }));
    this.mergeNext = open && this.gaps.length > 0;
  }

  get open(): boolean {
    return this.mergeNext;
  }

  dropped(seq: number): void {
    const last = this.gaps.at(-1);
    if (this.mergeNext && last && seq > last.lastSeq) {
      last.lastSeq = seq;
      last.count += 1;
    } else {
      this.gaps.push({ firstSeq: seq, lastSeq: seq, count: 1 });
      if (this.gaps.length > MAX_GAPS) this.gaps.shift();
    }
    this.mergeNext = true;
  }

  /** Adds a run recorded elsewhere (the memory ring) as it is. */
  addRun(gap: SpoolGap): void {
    this.gaps.push({ ...gap });
    if (this.gaps.length > MAX_GAPS) this.gaps.shift();
    this.mergeNext = false;
  }

  /** A report was delivered (acked): the next drop starts a new run. */
  delivered(): void {
    this.mergeNext = false;
  }

  list(): SpoolGap[] {
    return this.gaps.map((g) => ({ ...g }));
  }
}
