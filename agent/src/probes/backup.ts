import path from 'node:path';
import type { Metric } from '@siaga/shared';
import { z } from 'zod';
import { flag, probeConfig, round } from './base.js';
import { globToRegExp, newestFile, type WalkResult } from './backup.walk.js';
import { cleanText } from './parsers/text.js';
import type { Probe } from './types.js';

const entrySchema = z
  .object({
    /** The tag value: `nas-nightly`, `outlook-pst`. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/, 'expected letters, digits, space, dot, dash or underscore'),
    /** Absolute folders to search, or marker files written by the backup tool. */
    paths: z
      .array(z.string().min(1).max(1024).refine((p) => path.isAbsolute(p), 'expected an absolute path'))
      .min(1)
      .max(16),
    /** File name glob with `*` and `?` (`*.vbk`); every file counts when absent. */
    pattern: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[^/\\]+$/, 'a file name pattern, without folders')
      .optional(),
    maxDepth: z.number().int().min(0).max(32).default(4),
    maxEntries: z.number().int().min(1).max(1_000_000).default(20_000),
  })
  .strict();

const configSchema = probeConfig(true, 60_000, {
  entries: z
    .array(entrySchema)
    .max(32)
    .default([])
    .refine((list) => new Set(list.map((e) => e.name)).size === list.length, 'entry names must not repeat'),
  /** Folders are walked at most this often; in between the last result is re-sent with its age updated. */
  intervalSec: z.number().int().min(1).max(86_400).default(300),
});
type BackupConfig = z.output<typeof configSchema>;
type Entry = z.output<typeof entrySchema>;

function toMetric(entry: Entry, r: WalkResult, now: number): Metric {
  const fields: Metric['fields'] = { found: flag(r.files > 0), files: r.files, truncated: flag(r.truncated) };
  if (r.newestMs !== undefined) {
    fields.newest_mtime = Math.floor(r.newestMs / 1000);
    fields.age_hours = round(Math.max(0, now - r.newestMs) / 3_600_000);
  }
  if (r.errors.length > 0) fields.error = cleanText(r.errors.join('; '), 1024) ?? 'unreadable';
  return { m: 'backup', tags: { backup: entry.name }, fields };
}

/** Freshness of backups (`backup`, tag backup): the newest matching file under configured folders. */
export const backupProbe: Probe<BackupConfig> = {
  name: 'backup',
  description: 'Age of the newest backup file (or marker file) under configured folders',
  measurements: ['backup'],
  // Folders are walked every `intervalSec` at most, and backups are judged in hours.
  minWatchIntervalMs: Infinity,
  defaultEnabled: true,
  configSchema,
  async collect(ctx, config) {
    const ignoreCase = ctx.platform === 'win32' || ctx.platform === 'darwin';
    const metrics: Metric[] = [];
    const keys = new Set(config.entries.map((e) => `walk:${JSON.stringify(e)}`));
    for (const key of ctx.memo.keys()) if (!keys.has(key)) ctx.memo.delete(key); // entries no longer configured
    for (const entry of config.entries) {
      const key = `walk:${JSON.stringify(entry)}`;
      let cached = ctx.memo.get(key) as { at: number; result: WalkResult } | undefined;
      if (!cached || ctx.now() - cached.at >= config.intervalSec * 1000) {
        const match = entry.pattern ? globToRegExp(entry.pattern, ignoreCase) : undefined;
        cached = { at: ctx.now(), result: await newestFile(entry.paths, match, entry, ctx.signal) };
        ctx.memo.set(key, cached);
      }
      metrics.push(toMetric(entry, cached.result, ctx.now()));
    }
    return metrics;
  },
};
