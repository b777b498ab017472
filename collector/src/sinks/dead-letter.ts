import { mkdirSync, statSync } from 'node:fs';
import { appendFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';

export interface DeadLetterEntry {
  /** HTTP status of InfluxDB's answer. */
  status: number;
  /** InfluxDB's error text. */
  error: string;
  /**
   * True when `lines` are exactly the points InfluxDB refused. False when InfluxDB did not say
   * which: `lines` is then the whole batch, of which the others may have been written.
   */
  identified: boolean;
  lines: readonly string[];
}

export interface DeadLetterOptions {
  /** Bound on all dead-letter files together. */
  maxBytes: number;
  /** Files kept: the current one plus `files - 1` rotated ones. */
  files: number;
}

export const DEAD_LETTER_FILE = 'dead-letter.jsonl';

/**
 * Points InfluxDB refused for good (parse errors, field type conflicts): one JSON line per
 * refusal, so an operator can see and replay them, while a poison point never blocks an agent.
 * `dead-letter.jsonl` is rotated to `.1`, `.2`, … once it reaches `maxBytes / files`; the oldest
 * file is deleted, so the whole stays within `maxBytes`.
 */
export class DeadLetter {
  private readonly file: string;
  private readonly fileBytes: number;
  private size: number;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly dir: string,
    private readonly opts: DeadLetterOptions,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = path.join(dir, DEAD_LETTER_FILE);
    this.fileBytes = Math.max(1024, Math.floor(opts.maxBytes / opts.files));
    try {
      this.size = statSync(this.file).size;
    } catch {
      this.size = 0;
    }
  }

  add(entry: DeadLetterEntry, now = new Date()): Promise<void> {
    const line = this.render(entry, now);
    const next = this.chain.then(async () => {
      if (this.size > 0 && this.size + line.length > this.fileBytes) await this.rotate();
      await appendFile(this.file, line, { mode: 0o600 });
      this.size += line.length;
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** One JSON line; lines beyond the file bound are left out and counted in `omitted`. */
  private render(entry: DeadLetterEntry, now: Date): Buffer {
    const base = { time: now.toISOString(), status: entry.status, error: entry.error.slice(0, 4_000), identified: entry.identified, points: entry.lines.length };
    const budget = this.fileBytes - Buffer.byteLength(JSON.stringify(base)) - 64;
    const kept: string[] = [];
    let used = 0;
    for (const l of entry.lines) {
      used += Buffer.byteLength(JSON.stringify(l)) + 1;
      if (used > budget) break;
      kept.push(l);
    }
    const omitted = entry.lines.length - kept.length;
    return Buffer.from(JSON.stringify({ ...base, ...(omitted > 0 ? { omitted } : {}), lines: kept }) + '\n');
  }

  private async rotate(): Promise<void> {
    await rm(`${this.file}.${this.opts.files - 1}`, { force: true });
    for (let i = this.opts.files - 2; i >= 1; i--) await rename(`${this.file}.${i}`, `${this.file}.${i + 1}`).catch(() => undefined);
    if (this.opts.files > 1) await rename(this.file, `${this.file}.1`);
    else await rm(this.file, { force: true });
    this.size = 0;
  }

  /** Waits for pending writes. */
  async close(): Promise<void> {
    await this.chain;
  }
}
