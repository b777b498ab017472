import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FileSpool } from './file.js';
import { scanRecords } from './record.js';

type Op =
  | { kind: 'append'; len: number }
  | { kind: 'ack'; back: number }
  | { kind: 'tick'; ms: number }
  | { kind: 'reopen' }
  /** The process dies; `tear` cuts that fraction into the last record of the newest segment. */
  | { kind: 'crash'; tear: number | undefined };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('append' as const), len: fc.integer({ min: 40, max: 400 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('ack' as const), back: fc.integer({ min: 0, max: 12 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 700 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), tear: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }) }) },
);

const OPTIONS = { maxBytes: 3000, maxAgeMs: 1000, segmentBytes: 700 };
const HEADER = 28;
const frame = (seq: number, len: number) => `${seq}:`.padEnd(len, 'y');

interface Pending {
  seq: number;
  frame: string;
  createdAt: number;
}

/** What the spool must hold: appended, minus acked, minus the oldest beyond the bounds, minus torn records. */
class Model {
  pending: Pending[] = [];
  highest = 0;
  dropped = 0;
  corrupt = 0;
  clock = 1_000_000;

  bytes(): number {
    return this.pending.reduce((sum, p) => sum + HEADER + p.frame.length, 0);
  }

  enforceBounds(): void {
    while (this.pending.length > 0) {
      const tooOld = (this.pending[0] as Pending).createdAt < this.clock - OPTIONS.maxAgeMs;
      const tooBig = this.bytes() > OPTIONS.maxBytes && this.pending.length > 1;
      if (!tooOld && !tooBig) return;
      this.pending.shift();
      this.dropped += 1;
    }
  }
}

function run(ops: Op[]): void {
  const root = mkdtempSync(path.join(os.tmpdir(), 'siaga-spool-prop-'));
  const dir = path.join(root, 'spool');
  const model = new Model();
  const open = () => new FileSpool(dir, { ...OPTIONS, now: () => model.clock });
  const abandoned: FileSpool[] = [];
  let spool = open();
  try {
    for (const op of ops) {
      switch (op.kind) {
        case 'append': {
          const seq = ++model.highest;
          const text = frame(seq, op.len);
          spool.append({ seq, frame: text });
          model.pending.push({ seq, frame: text, createdAt: model.clock });
          model.enforceBounds();
          break;
        }
        case 'ack': {
          const seq = Math.max(0, model.highest - op.back);
          spool.ack(seq);
          model.pending = model.pending.filter((p) => p.seq > seq);
          break;
        }
        case 'tick':
          model.clock += op.ms;
          break;
        case 'reopen':
          spool.close();
          spool = open();
          model.dropped = 0;
          model.corrupt = 0;
          model.enforceBounds();
          break;
        case 'crash': {
          abandoned.push(spool);
          model.dropped = 0;
          model.corrupt = 0;
          if (op.tear !== undefined) tearNewestRecord(dir, op.tear, model);
          spool = open();
          model.enforceBounds();
          break;
        }
      }
      expect(spool.after(0, Number.MAX_SAFE_INTEGER)).toEqual(model.pending.map((p) => ({ seq: p.seq, frame: p.frame })));
      expect(spool.stats()).toEqual({ queued: model.pending.length, bytes: model.bytes(), dropped: model.dropped, corrupt: model.corrupt, degraded: false });
      expectNoDeadSegments(dir, model, op.kind === 'reopen' || op.kind === 'crash');
    }
  } finally {
    for (const s of [...abandoned, spool]) s.close();
    rmSync(root, { recursive: true, force: true });
  }
}

/** Cuts into the last record of the newest segment, as a crash in the middle of a write would. */
function tearNewestRecord(dir: string, tear: number, model: Model): void {
  const newest = segmentFiles(dir).at(-1);
  if (!newest) return;
  const last = scanRecords(readFileSync(newest)).records.at(-1);
  if (!last) return;
  const cut = Math.min(last.size - 1, 1 + Math.floor(tear * (last.size - 1)));
  truncateSync(newest, last.offset + last.size - cut);
  model.pending = model.pending.filter((p) => p.seq !== last.seq);
  model.corrupt = 1;
}

/** Every segment but the one being written holds a pending record; after a start, all do. */
function expectNoDeadSegments(dir: string, model: Model, justOpened: boolean): void {
  const pending = new Set(model.pending.map((p) => p.seq));
  const files = segmentFiles(dir);
  const mustHold = justOpened ? files : files.slice(0, -1);
  for (const file of mustHold) {
    const held = scanRecords(readFileSync(file)).records.some((r) => pending.has(r.seq));
    expect(held, `${path.basename(file)} holds nothing to send`).toBe(true);
  }
}

function segmentFiles(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.endsWith('.seg')).sort().map((n) => path.join(dir, n));
}

describe('FileSpool (property)', () => {
  it('holds exactly the unacked reports the bounds allow, across restarts, crashes and torn writes', () => {
    fc.assert(fc.property(fc.array(opArb, { minLength: 1, maxLength: 60 }), run), { numRuns: 150 });
  });
});
