import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSpool } from '../agent/src/spool/file.js';
import { REPO_ROOT } from './harness/processes.js';
import { tempDir } from './harness/tmp.js';

// A real process appends to the spool in a tight loop and is killed with SIGKILL mid-stream.
// It prints each seq only after append() returned, so every printed seq must survive.
const WRITER = `
import { FileSpool } from './spool.mjs';
const dir = process.argv[2];
const spool = new FileSpool(dir, { segmentBytes: 32 * 1024 });
let seq = spool.highestSeq;
process.stdout.write('start ' + seq + '\\n');
for (;;) {
  seq += 1;
  spool.append({ seq, frame: JSON.stringify({ v: 1, type: 'report', seq, collectedAt: Date.now(), pad: 'x'.repeat(seq % 300) }) });
  process.stdout.write('a ' + seq + '\\n');
  if (seq % 50 === 0) {
    spool.ack(seq - 25);
    process.stdout.write('k ' + (seq - 25) + '\\n');
  }
}
`;

const tmp = tempDir('spool-crash');
const spoolDir = path.join(tmp.dir, 'spool');
let child: ChildProcess | undefined;

beforeAll(async () => {
  await build({
    entryPoints: [path.join(REPO_ROOT, 'agent/src/spool/file.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: path.join(tmp.dir, 'spool.mjs'),
    logLevel: 'silent',
  });
  writeFileSync(path.join(tmp.dir, 'writer.mjs'), WRITER);
});
afterAll(() => {
  child?.kill('SIGKILL');
  tmp.remove();
});

/** Runs the writer until it has printed `appends` more seqs, then kills it with SIGKILL. */
async function runAndKill(appends: number): Promise<string[]> {
  const proc = spawn(process.execPath, [path.join(tmp.dir, 'writer.mjs'), spoolDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  child = proc;
  let text = '';
  let seen = 0;
  const closed = new Promise<void>((resolve) => proc.stdout.on('close', () => resolve()));
  proc.stdout.on('data', (d: Buffer) => {
    text += d.toString();
    seen += (d.toString().match(/^a /gm) ?? []).length;
    if (seen >= appends) proc.kill('SIGKILL');
  });
  await closed;
  child = undefined;
  return text.split('\n').filter((l) => l.length > 0);
}

describe('spool across a hard kill', () => {
  it('keeps every report whose append returned, without duplicates, over repeated kills', async () => {
    let acked = 0;
    for (const appends of [150, 700, 1234, 333]) {
      const lines = await runAndKill(appends);
      expect(lines[0]).toMatch(/^start \d+$/);
      const appended = lines.filter((l) => l.startsWith('a ')).map((l) => Number(l.slice(2)));
      for (const l of lines) if (l.startsWith('k ')) acked = Math.max(acked, Number(l.slice(2)));
      const lastAppended = appended.at(-1) as number;
      const lastLine = lines.at(-1) as string;
      // What the killed process was doing when it died: appending the next seq, or acking.
      const ackInFlight = lastLine === `a ${lastAppended}` && lastAppended % 50 === 0;

      const spool = new FileSpool(spoolDir);
      const records = spool.after(0, Number.MAX_SAFE_INTEGER);
      const seqs = records.map((r) => r.seq);
      expect(spool.stats()).toMatchObject({ corrupt: 0, degraded: false });
      spool.close();

      for (const r of records) expect(JSON.parse(r.frame)).toMatchObject({ seq: r.seq, type: 'report' });
      seqs.forEach((s, i) => i > 0 && expect(s).toBe((seqs[i - 1] as number) + 1));
      const first = seqs[0] as number;
      const last = seqs.at(-1) as number;
      expect(ackInFlight ? [acked + 1, lastAppended - 25 + 1] : [acked + 1]).toContain(first);
      expect(ackInFlight ? [lastAppended] : [lastAppended, lastAppended + 1]).toContain(last);
      if (ackInFlight) acked = first - 1;
    }
  });
});
