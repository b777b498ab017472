import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AckFile, type AckState } from './ack-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'siaga-ackfile-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const state = (removedThrough: number): AckState => ({ removedThrough, gaps: [{ firstSeq: 1, lastSeq: 2, count: 2 }], gapOpen: true });

describe('AckFile', () => {
  it('reads nothing acknowledged when the file is missing or garbage', () => {
    expect(new AckFile(dir).read()).toEqual({ removedThrough: 0, gaps: [], gapOpen: false });
    writeFileSync(path.join(dir, 'ack.dat'), 'not a slot');
    expect(new AckFile(dir).read()).toEqual({ removedThrough: 0, gaps: [], gapOpen: false });
  });

  it('returns the latest state written, across instances', () => {
    const file = new AckFile(dir);
    for (let n = 1; n <= 5; n++) file.write(state(n * 10));
    file.close();
    const reader = new AckFile(dir);
    expect(reader.read()).toEqual(state(50));
    reader.write(state(60));
    reader.close();
    expect(new AckFile(dir).read()).toEqual(state(60));
  });

  it('falls back to the previous state when the newest slot is torn', () => {
    const file = new AckFile(dir);
    file.write(state(10)); // generation 1: second slot
    file.write(state(20)); // generation 2: first slot
    file.close();
    const bytes = readFileSync(path.join(dir, 'ack.dat'));
    bytes[30] = bytes[30]! ^ 0xff;
    writeFileSync(path.join(dir, 'ack.dat'), bytes);
    expect(new AckFile(dir).read()).toEqual(state(10));
  });
});
