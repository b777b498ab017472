import { closeSync, constants, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { decodeRecord, encodeRecord } from './record.js';
import type { SpoolGap } from './types.js';

export interface AckState {
  /** Every report with seq ≤ this was acknowledged or dropped: it is never sent again. */
  removedThrough: number;
  gaps: SpoolGap[];
  /** The last gap may still grow: nothing was delivered since its last drop. */
  gapOpen: boolean;
}

const SLOT_BYTES = 4096;
const EMPTY: AckState = { removedThrough: 0, gaps: [], gapOpen: false };

/**
 * The spool's bookkeeping: two fixed slots, written in turn in place, each a checksummed record
 * with a generation number; the valid slot with the higher generation wins. A torn write spoils
 * only the slot being written, so the previous state survives. Rewriting a small file whole costs
 * a hundred times more than one write in place, and the collector acks every report.
 * Not fsynced: losing the latest update to a power cut only means reports the collector already
 * has are sent again, and the collector drops seq ≤ its last ack.
 */
export class AckFile {
  private readonly file: string;
  private fd: number | undefined;
  private generation = 0;

  constructor(dir: string) {
    this.file = path.join(dir, 'ack.dat');
  }

  /** The stored state; a missing or unreadable file means nothing was acknowledged yet. */
  read(): AckState {
    let buf: Buffer;
    try {
      buf = readFileSync(this.file);
    } catch {
      return EMPTY;
    }
    let best: { generation: number; text: string } | undefined;
    for (const offset of [0, SLOT_BYTES]) {
      const slot = decodeRecord(buf.subarray(offset, offset + SLOT_BYTES));
      if (slot && (!best || slot.record.seq > best.generation)) best = { generation: slot.record.seq, text: slot.record.frame };
    }
    if (!best) return EMPTY;
    this.generation = best.generation;
    return parseState(best.text);
  }

  write(state: AckState): void {
    const generation = this.generation + 1;
    const buf = encodeRecord({ seq: generation, createdAt: 0, frame: JSON.stringify(state) });
    if (buf.length > SLOT_BYTES) throw new RangeError(`spool ack state of ${buf.length} bytes exceeds its slot`);
    this.fd ??= openSync(this.file, constants.O_RDWR | constants.O_CREAT, 0o600);
    let done = 0;
    const position = (generation % 2) * SLOT_BYTES;
    while (done < buf.length) done += writeSync(this.fd, buf, done, buf.length - done, position + done);
    this.generation = generation;
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}

function parseState(text: string): AckState {
  try {
    const parsed = JSON.parse(text) as Partial<AckState>;
    const removedThrough = Number.isSafeInteger(parsed.removedThrough) && (parsed.removedThrough as number) >= 0 ? (parsed.removedThrough as number) : 0;
    const gaps = Array.isArray(parsed.gaps) ? parsed.gaps.filter(isGap) : [];
    return { removedThrough, gaps, gapOpen: parsed.gapOpen === true };
  } catch {
    return EMPTY;
  }
}

function isGap(value: unknown): value is SpoolGap {
  const g = value as SpoolGap;
  return typeof g === 'object' && g !== null && [g.firstSeq, g.lastSeq, g.count].every((n) => Number.isSafeInteger(n) && n >= 0);
}
