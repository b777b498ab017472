import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEAD_LETTER_FILE, DeadLetter } from './dead-letter.js';

describe('dead-letter file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'siaga-dead-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one JSON line per refusal with the error and the lines', async () => {
    const dl = new DeadLetter(dir, { maxBytes: 1024 * 1024, files: 4 });
    await dl.add({ status: 400, error: 'partial write: field type conflict dropped=1', identified: true, lines: ['m v=true 1'] }, new Date('2026-01-02T03:04:05Z'));
    const [entry] = readFileSync(path.join(dir, DEAD_LETTER_FILE), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(entry).toEqual({ time: '2026-01-02T03:04:05.000Z', status: 400, error: 'partial write: field type conflict dropped=1', identified: true, points: 1, lines: ['m v=true 1'] });
  });

  it('rotates and keeps all files within maxBytes', async () => {
    const dl = new DeadLetter(dir, { maxBytes: 8 * 1024, files: 4 });
    const lines = Array.from({ length: 20 }, (_, i) => `m,host=ws-${i} reason="${'x'.repeat(40)}" ${i}`);
    for (let i = 0; i < 40; i++) await dl.add({ status: 400, error: `e${i}`, identified: false, lines });
    const files = readdirSync(dir).sort();
    expect(files).toEqual([DEAD_LETTER_FILE, `${DEAD_LETTER_FILE}.1`, `${DEAD_LETTER_FILE}.2`, `${DEAD_LETTER_FILE}.3`]);
    const total = files.reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
    expect(total).toBeLessThanOrEqual(8 * 1024);
    // The newest entry is in the current file.
    const current = readFileSync(path.join(dir, DEAD_LETTER_FILE), 'utf8').trim().split('\n');
    expect(JSON.parse(current.at(-1)!).error).toBe('e39');
  });

  it('cuts an entry larger than one file and says how many lines it left out', async () => {
    const dl = new DeadLetter(dir, { maxBytes: 4 * 1024, files: 2 });
    const lines = Array.from({ length: 200 }, (_, i) => `m v=${i} ${i}`);
    await dl.add({ status: 400, error: 'x', identified: false, lines });
    const entry = JSON.parse(readFileSync(path.join(dir, DEAD_LETTER_FILE), 'utf8'));
    expect(entry.points).toBe(200);
    expect(entry.lines.length + entry.omitted).toBe(200);
    expect(statSync(path.join(dir, DEAD_LETTER_FILE)).size).toBeLessThanOrEqual(2 * 1024);
  });
});
