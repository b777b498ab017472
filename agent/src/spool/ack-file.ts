import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SpoolGap } from './types.js';

export interface AckState {
  /** Every report with seq ≤ this was acknowledged or dropped: it is never sent again. */
  removedThrough: number;
  gaps: SpoolGap[];
  /** The last gap may still grow: nothing was delivered since its last drop. */
  gapOpen: boolean;
}

/**
 * The spool's small bookkeeping file, replaced atomically (write + rename). It is not fsynced:
 * losing the latest update to a power cut only means reports the collector already has are sent
 * again, and the collector drops seq ≤ its last ack.
 */
export class AckFile {
  private readonly file: string;

  constructor(dir: string) {
    this.file = path.join(dir, 'ack.json');
  }

  /** The stored state; a missing or unreadable file means nothing was acknowledged yet. */
  read(): AckState {
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<AckState>;
      const removedThrough = Number.isSafeInteger(parsed.removedThrough) && (parsed.removedThrough as number) >= 0 ? (parsed.removedThrough as number) : 0;
      const gaps = Array.isArray(parsed.gaps) ? parsed.gaps.filter(isGap) : [];
      return { removedThrough, gaps, gapOpen: parsed.gapOpen === true };
    } catch {
      return { removedThrough: 0, gaps: [], gapOpen: false };
    }
  }

  write(state: AckState): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}

function isGap(value: unknown): value is SpoolGap {
  const g = value as SpoolGap;
  return typeof g === 'object' && g !== null && [g.firstSeq, g.lastSeq, g.count].every((n) => Number.isSafeInteger(n) && n >= 0);
}
