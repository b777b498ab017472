import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { metricSchema } from '@siaga/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeContext } from '../testing/probe-context.testutil.js';
import { globToRegExp } from './backup.walk.js';
import { backupProbe } from './backup.js';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const HOUR = 3_600_000;
const config = (over: Record<string, unknown>) => backupProbe.configSchema.parse(over);

describe('backup probe over a real folder tree', () => {
  let root: string;
  let outside: string;

  async function file(rel: string, ageHours: number) {
    const full = path.join(root, rel);
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, 'x');
    const t = new Date(NOW - ageHours * HOUR);
    await utimes(full, t, t);
    return full;
  }

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'siaga-backup-'));
    outside = await mkdtemp(path.join(os.tmpdir(), 'siaga-outside-'));
    await file('a.bak', 48);
    await file('sub/b.BAK', 2);
    await file('sub/deep/deeper/c.bak', 1); // three levels down
    await file('notes.txt', 0.5);
    const newer = path.join(outside, 'newer.bak');
    await writeFile(newer, 'x');
    await utimes(newer, new Date(NOW - 0.1 * HOUR), new Date(NOW - 0.1 * HOUR));
    await symlink(outside, path.join(root, 'link-dir')); // must not be followed
    await symlink(newer, path.join(root, 'link.bak'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('finds the newest matching file within the depth limit and never follows links', async () => {
    const ctx = probeContext({ platform: 'linux', clock: { t: NOW } });
    const metrics = await backupProbe.collect(ctx, config({ entries: [{ name: 'nightly', paths: [root], pattern: '*.bak', maxDepth: 2 }] }));
    // Case-sensitive on Linux: sub/b.BAK does not match; c.bak is one level too deep.
    expect(metrics).toEqual([{ m: 'backup', tags: { backup: 'nightly' }, fields: { found: 1, files: 1, truncated: 0, newest_mtime: (NOW - 48 * HOUR) / 1000, age_hours: 48 } }]);
    expect(metricSchema.safeParse(metrics[0]).success).toBe(true);

    const deeper = await backupProbe.collect(probeContext({ platform: 'linux', clock: { t: NOW } }), config({ entries: [{ name: 'nightly', paths: [root], pattern: '*.bak', maxDepth: 3 }] }));
    expect(deeper[0]?.fields).toMatchObject({ files: 2, age_hours: 1 });
  });

  it('matches without case where the OS does, and counts every file without a pattern', async () => {
    const win = await backupProbe.collect(probeContext({ platform: 'win32', clock: { t: NOW } }), config({ entries: [{ name: 'b', paths: [root], pattern: '*.bak', maxDepth: 1 }] }));
    expect(win[0]?.fields).toMatchObject({ files: 2, age_hours: 2 });
    const all = await backupProbe.collect(probeContext({ platform: 'linux', clock: { t: NOW } }), config({ entries: [{ name: 'b', paths: [root] }] }));
    expect(all[0]?.fields).toMatchObject({ files: 4, age_hours: 0.5 });
  });

  it('accepts a marker file as the path, and reports missing paths with a reason', async () => {
    const metrics = await backupProbe.collect(
      probeContext({ platform: 'linux', clock: { t: NOW } }),
      config({ entries: [{ name: 'marker', paths: [path.join(root, 'a.bak')] }, { name: 'gone', paths: [path.join(root, 'nope')] }] }),
    );
    expect(metrics[0]?.fields).toMatchObject({ found: 1, files: 1, age_hours: 48 });
    expect(metrics[1]).toEqual({ m: 'backup', tags: { backup: 'gone' }, fields: { found: 0, files: 0, truncated: 0, error: `path ${path.join(root, 'nope')}: not found` } });
  });

  it('stops at the entry limit and says so', async () => {
    const metrics = await backupProbe.collect(probeContext({ platform: 'linux', clock: { t: NOW } }), config({ entries: [{ name: 'b', paths: [root], maxEntries: 2 }] }));
    expect(metrics[0]?.fields.truncated).toBe(1);
  });

  it('re-sends the cached result with a growing age until the interval passes', async () => {
    const clock = { t: NOW };
    const ctx = probeContext({ platform: 'linux', clock });
    const cfg = config({ intervalSec: 600, entries: [{ name: 'n', paths: [path.join(root, 'sub')], pattern: '*.BAK' }] });
    expect((await backupProbe.collect(ctx, cfg))[0]?.fields).toMatchObject({ files: 1, age_hours: 2 });
    await file('sub/new.BAK', 0);
    clock.t += 300_000;
    expect((await backupProbe.collect(ctx, cfg))[0]?.fields).toMatchObject({ files: 1, age_hours: 2.08 });
    clock.t += 300_000;
    expect((await backupProbe.collect(ctx, cfg))[0]?.fields).toMatchObject({ files: 2, age_hours: 0.17 });
  });
});

describe('backup configuration', () => {
  it('turns globs into anchored expressions', () => {
    expect(globToRegExp('backup-????.zip', false).test('backup-2024.zip')).toBe(true);
    expect(globToRegExp('*.vbk', false).test('x.vbk.tmp')).toBe(false);
    expect(globToRegExp('a+b(1).bak', false).test('a+b(1).bak')).toBe(true);
  });

  it('refuses relative paths, folder patterns and repeated names, naming the field', () => {
    const rel = backupProbe.configSchema.safeParse({ entries: [{ name: 'x', paths: ['backups'] }] });
    expect(rel.success).toBe(false);
    expect(JSON.stringify(rel.error?.issues[0]?.path)).toBe('["entries",0,"paths",0]');
    expect(backupProbe.configSchema.safeParse({ entries: [{ name: 'x', paths: ['/b'], pattern: 'a/*.bak' }] }).success).toBe(false);
    expect(backupProbe.configSchema.safeParse({ entries: [{ name: 'x', paths: ['/a'] }, { name: 'x', paths: ['/b'] }] }).success).toBe(false);
    expect(backupProbe.configSchema.safeParse({ entries: [{ name: 'x', paths: ['/a'], typo: 1 }] }).success).toBe(false);
  });

  it('does nothing without entries', async () => {
    expect(await backupProbe.collect(probeContext({ platform: 'linux' }), config({}))).toEqual([]);
  });
});
