import type { Lines } from './lines.js';
import type { Spill, SpillPosition } from './spill.js';

/** A live batch also put in the spill because InfluxDB was slow to confirm it. */
export interface SlowWrite {
  /** What the live write came to: the drain skips the spilled copy of a batch InfluxDB took. */
  outcome: 'pending' | 'written' | 'failed';
  /** True once the copy is on disk, false if the spill refused it. */
  spilled: Promise<boolean>;
}

const key = (p: SpillPosition): string => `${p.segment}:${p.offset}`;

/**
 * Spilled copies of live batches InfluxDB is slow to confirm, by their position in the spill,
 * until the drain reaches them. Only this process knows them: after a restart a copy is written
 * again, which InfluxDB takes as an overwrite of the same points.
 */
export class SlowWrites {
  private readonly byPosition = new Map<string, SlowWrite>();

  constructor(private readonly spill: Spill) {}

  /** Appends a copy of `lines`; `onSpilled` runs once it is on disk, `onFailed` if the spill refused it. */
  copy(lines: Lines, onSpilled: () => void, onFailed: (err: Error) => void): SlowWrite {
    const slow: SlowWrite = { outcome: 'pending', spilled: Promise.resolve(false) };
    slow.spilled = this.spill.append(lines).then(
      (position) => {
        this.byPosition.set(key(position), slow);
        onSpilled();
        return true;
      },
      (err: Error) => {
        onFailed(err);
        return false;
      },
    );
    return slow;
  }

  /** The slow write whose copy lies at this spilled batch's position, no longer tracked. */
  take(position: SpillPosition): SlowWrite | undefined {
    const slow = this.byPosition.get(key(position));
    this.byPosition.delete(key(position));
    return slow;
  }
}
