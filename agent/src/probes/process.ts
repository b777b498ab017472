import type { Metric } from '@siaga/shared';
import { z } from 'zod';
import { flag, probeConfig, round } from './base.js';
import { parsePs, parseTasklistCsv, type ListedProcess } from './process.list.js';
import { ProcWatcher } from './process.linux.js';
import { nameMatcher, PROCESS_NAME, type ProcessSample } from './process.match.js';
import { decodeOutput } from './parsers/text.js';
import type { Probe, ProbeContext } from './types.js';

const configSchema = probeConfig(true, 10_000, {
  /** Programs that must run, by program name (`OUTLOOK.EXE`, `Microsoft Teams`, `sshd`). */
  names: z
    .array(z.string().regex(PROCESS_NAME, 'expected a plain program name (no path, wildcard or shell character)'))
    .max(64)
    .default([])
    .refine((names) => new Set(names).size === names.length, 'names must not repeat'),
  /** Linux: a full look through /proc at least this often, to count new instances. */
  rescanSec: z.number().int().min(5).max(3600).default(60),
  /** Linux: while a program is not running, look for it at most this often. */
  missingRescanSec: z.number().int().min(1).max(600).default(5),
});
type ProcessConfig = z.output<typeof configSchema>;

/** macOS and Windows: one listing per run, matched by name. */
async function listOnce(ctx: ProbeContext, names: readonly string[]): Promise<Map<string, ProcessSample>> {
  let listed: ListedProcess[];
  if (ctx.platform === 'win32') {
    const res = await ctx.run('tasklist', ['/fo', 'csv', '/nh'], { signal: ctx.signal });
    if (res.code !== 0) throw new Error(`tasklist failed: ${res.code === 127 ? 'tasklist.exe not found' : res.stderr.trim() || `exit ${String(res.code)}`}`);
    listed = parseTasklistCsv(decodeOutput(res.stdout));
  } else {
    const res = await ctx.run('ps', ['-axo', 'pid=,rss=,%cpu=,comm='], { signal: ctx.signal });
    if (res.code !== 0) throw new Error(`ps failed: ${res.code === 127 ? 'ps not found' : res.stderr.trim() || `exit ${String(res.code)}`}`);
    listed = parsePs(res.stdout.toString('utf8'));
  }
  const matches = nameMatcher(ctx.platform);
  const out = new Map<string, ProcessSample>();
  for (const name of names) {
    const mine = listed.filter((p) => matches(name, p.name));
    const sample: ProcessSample = { count: mine.length, rssBytes: mine.reduce((a, p) => a + p.rssBytes, 0) };
    if (mine.length > 0 && mine.every((p) => p.cpuPercent !== undefined)) sample.cpuPercent = mine.reduce((a, p) => a + (p.cpuPercent ?? 0), 0);
    out.set(name, sample);
  }
  return out;
}

function toMetric(name: string, s: ProcessSample): Metric {
  const fields: Metric['fields'] = { running: flag(s.count > 0), count: s.count };
  if (s.count > 0) {
    fields.memory_rss = s.rssBytes;
    if (s.cpuPercent !== undefined) fields.cpu_percent = round(s.cpuPercent);
  }
  return { m: 'procstat', tags: { process: name }, fields };
}

/**
 * Whether required programs run (`procstat`, tag process). Re-run every second or two while a
 * check depends on it, so a run must stay cheap: see ProcWatcher for Linux.
 */
export const processProbe: Probe<ProcessConfig> = {
  name: 'process',
  description: 'Whether the configured programs run, how many instances, their CPU and memory',
  measurements: ['procstat'],
  defaultEnabled: true,
  configSchema,
  async collect(ctx, config) {
    if (config.names.length === 0) return [];
    let samples: Map<string, ProcessSample>;
    if (ctx.platform === 'linux') {
      let watcher = ctx.memo.get('watcher') as ProcWatcher | undefined;
      if (!watcher) ctx.memo.set('watcher', (watcher = new ProcWatcher()));
      samples = await watcher.sample(config.names, ctx.now(), { rescanMs: config.rescanSec * 1000, missingRescanMs: config.missingRescanSec * 1000 });
    } else {
      samples = await listOnce(ctx, config.names);
    }
    return config.names.map((name) => toMetric(name, samples.get(name) ?? { count: 0, rssBytes: 0 }));
  },
};
