import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Lines } from './lines.js';
import { Spill, SpillFullError } from './spill.js';

const text = (tag: string, n = 3) => Array.from({ length: n }, (_, i) => `m,b=${tag} v=${i} ${1_700_000_000_000 + i}`);
const batch = (tag: string, n = 3) => Lines.of(text(tag, n));

async function drainAll(spill: Spill): Promise<string[][]> {
  const out: string[][] = [];
  for (let b = await spill.peek(); b; b = await spill.peek()) {
    out.push(b.lines.toStrings());
    await spill.consume(b);
  }
  return out;
}

describe('spill', () => {
  let dir: string;
  const open: Spill[] = [];
  const openSpill = (opts = { maxBytes: 1024 * 1024, segmentBytes: 400 }) => {
    const s = Spill.open(dir, opts);
    open.push(s);
    return s;
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'siaga-spill-'));
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands batches back oldest first across segments and deletes drained segments', async () => {
    const spill = openSpill();
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((t) => spill.append(batch(t))));
    await spill.append(batch('f'));
    expect(spill.stats().backlogPoints).toBe(18);
    expect(spill.stats().segments).toBeGreaterThan(1);
    expect(await drainAll(spill)).toEqual(['a', 'b', 'c', 'd', 'e', 'f'].map((t) => text(t)));
    expect(spill.stats()).toMatchObject({ backlogPoints: 0, backlogBytes: 0, segments: 1, corrupt: 0 });
    // Only the segment still open for appends remains.
    expect(readdirSync(dir).filter((f) => f.endsWith('.spill'))).toHaveLength(1);
  });

  it('tells each append where its batch lies, as peek hands it out', async () => {
    const spill = openSpill();
    const positions = await Promise.all(['a', 'b', 'c', 'd'].map((t) => spill.append(batch(t))));
    for (const position of positions) {
      const next = await spill.peek();
      expect(next && { segment: next.segment, offset: next.offset }).toEqual(position);
      await spill.consume(next!);
    }
  });

  it('survives a restart: what was not consumed comes back, what was consumed does not', async () => {
    const first = openSpill();
    for (const t of ['a', 'b', 'c']) await first.append(batch(t, 2));
    const a = await first.peek();
    await first.consume(a!);
    // No close: as after kill -9, only what reached the disk counts.
    const second = openSpill();
    expect(second.stats().backlogPoints).toBe(4);
    expect(await drainAll(second)).toEqual([text('b', 2), text('c', 2)]);
    await second.append(batch('d', 1));
    expect(await drainAll(second)).toEqual([text('d', 1)]);
  });

  it('skips a torn tail left by a crash in the middle of an append', async () => {
    const spill = openSpill({ maxBytes: 1024 * 1024, segmentBytes: 1024 * 1024 });
    await spill.append(batch('a'));
    await spill.append(batch('b'));
    await spill.close();
    const [file] = readdirSync(dir).filter((f) => f.endsWith('.spill'));
    const full = path.join(dir, file!);
    truncateSync(full, readFileSync(full).length - 5);
    const reopened = openSpill();
    expect(reopened.stats().backlogPoints).toBe(3);
    expect(await drainAll(reopened)).toEqual([text('a')]);
    expect(reopened.stats().corrupt).toBe(1);
  });

  it('skips a record that fails its checksum and keeps the next one', async () => {
    const spill = openSpill({ maxBytes: 1024 * 1024, segmentBytes: 1024 * 1024 });
    await spill.append(batch('a'));
    await spill.append(batch('b'));
    await spill.close();
    const [file] = readdirSync(dir).filter((f) => f.endsWith('.spill'));
    const full = path.join(dir, file!);
    const bytes = readFileSync(full);
    bytes[20] = bytes[20]! ^ 0xff;
    writeFileSync(full, bytes);
    const reopened = openSpill();
    expect(await drainAll(reopened)).toEqual([text('b')]);
    expect(reopened.stats().corrupt).toBe(1);
  });

  it('refuses appends beyond maxBytes with a stable code, and takes them again once drained', async () => {
    // Each record is 16 header bytes + 4 lines of 23 bytes and their newlines = 112 bytes: three fit.
    const spill = openSpill({ maxBytes: 350, segmentBytes: 200 });
    await spill.append(batch('a', 4));
    await spill.append(batch('b', 4));
    await spill.append(batch('c', 4));
    expect(spill.stats().diskBytes).toBe(336);
    const refused = spill.append(batch('d', 4));
    await expect(refused).rejects.toBeInstanceOf(SpillFullError);
    await expect(refused).rejects.toMatchObject({ code: 'SIAGA_ERR_INFLUX_SPILL_FULL' });
    await drainAll(spill);
    await spill.append(batch('d', 4));
    expect(await drainAll(spill)).toEqual([text('d', 4)]);
  });
});
