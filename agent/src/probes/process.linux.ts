import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ProcessSample } from './process.match.js';

/**
 * /proc files are generated in memory: a synchronous read costs a few microseconds, several
 * times less than the asynchronous round trips around it, which matters for a probe re-run
 * every second or two.
 */
const readProc = (file: string): string => readFileSync(file, 'utf8');

/** Linux reports CPU time in USER_HZ ticks, fixed at 100 per second for user space on every architecture. */
const TICKS_PER_SECOND = 100;
/** The kernel truncates /proc/<pid>/comm to 15 characters. */
const COMM_MAX = 15;

export interface ProcStat {
  comm: string;
  /** utime + stime in ticks. */
  cpuTicks: number;
  /** Start time since boot in ticks: tells a reused PID apart. */
  startTicks: number;
  rssPages: number;
}

/** Parses /proc/<pid>/stat; the command name sits in parentheses and may itself hold spaces or ")". */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const rest = text.slice(close + 2).trim().split(/\s+/);
  // rest[0] is field 3 (state): utime is field 14, stime 15, starttime 22, rss 24.
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  const start = Number(rest[19]);
  const rss = Number(rest[21]);
  if (![utime, stime, start, rss].every(Number.isFinite)) return undefined;
  return { comm: text.slice(open + 1, close), cpuTicks: utime + stime, startTicks: start, rssPages: rss };
}

let pageSize: number | undefined;

/** Page size, derived once from our own RSS (Node reports it in bytes, /proc in pages). */
function systemPageSize(procRoot: string): number {
  if (pageSize !== undefined) return pageSize;
  try {
    const own = parseProcStat(readProc(path.join(procRoot, 'self', 'stat')));
    const bytes = process.memoryUsage.rss();
    if (own && own.rssPages > 0) pageSize = 2 ** Math.round(Math.log2(bytes / own.rssPages));
  } catch {
    // keep the common default
  }
  pageSize = pageSize && pageSize >= 4096 && pageSize <= 65536 ? pageSize : 4096;
  return pageSize;
}

function readStat(procRoot: string, pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readProc(path.join(procRoot, String(pid), 'stat')));
  } catch {
    return undefined;
  }
}

/** Does the process with this (possibly truncated) comm run the configured program? */
function isProgram(procRoot: string, pid: number, comm: string, name: string): boolean {
  if (name.length <= COMM_MAX) return comm === name;
  if (comm !== name.slice(0, COMM_MAX)) return false;
  try {
    const argv0 = readProc(path.join(procRoot, String(pid), 'cmdline')).split('\0')[0] ?? '';
    return path.posix.basename(argv0) === name || argv0 === '';
  } catch {
    return false;
  }
}

interface Tracked {
  name: string;
  startTicks: number;
}

/**
 * Follows configured programs across runs without listing every process every time: matched
 * PIDs are kept and re-checked with one read of /proc/<pid>/stat each. A full scan of /proc
 * happens only when a tracked PID ended, when a program is missing (every `missingRescanMs`, to
 * notice it starting), or every `rescanMs` (to count new instances).
 */
export class ProcWatcher {
  private tracked = new Map<number, Tracked>();
  private lastFullScan = Number.NEGATIVE_INFINITY;
  private previous = new Map<number, { cpuTicks: number; at: number }>();
  /** The configured names the tracked PIDs were found for. */
  private scannedFor: string | undefined;
  /** Number of full /proc scans so far (observable for tests and self-monitoring). */
  fullScans = 0;

  constructor(private readonly procRoot = '/proc') {}

  async sample(names: readonly string[], now: number, timing: { rescanMs: number; missingRescanMs: number }): Promise<Map<string, ProcessSample>> {
    const sinceScan = now - this.lastFullScan;
    const missing = names.some((n) => ![...this.tracked.values()].some((t) => t.name === n));
    let stats = new Map<number, ProcStat>();
    const key = names.join('\0');
    let needScan = key !== this.scannedFor || sinceScan >= timing.rescanMs || (missing && sinceScan >= timing.missingRescanMs);
    if (!needScan) {
      for (const [pid, t] of this.tracked) {
        const stat = readStat(this.procRoot, pid);
        if (!stat || stat.startTicks !== t.startTicks) {
          needScan = true;
          break;
        }
        stats.set(pid, stat);
      }
    }
    if (needScan) stats = await this.fullScan(names, now);
    return this.aggregate(names, stats, now, systemPageSize(this.procRoot));
  }

  private async fullScan(names: readonly string[], now: number): Promise<Map<number, ProcStat>> {
    this.fullScans++;
    this.lastFullScan = now;
    this.tracked = new Map();
    this.scannedFor = names.join('\0');
    const stats = new Map<number, ProcStat>();
    const wanted = new Set(names.map((n) => n.slice(0, COMM_MAX)));
    for (const entry of await readdir(this.procRoot)) {
      if (!/^\d+$/.test(entry)) continue;
      const pid = Number(entry);
      let comm: string;
      try {
        comm = readProc(path.join(this.procRoot, entry, 'comm')).replace(/\n$/, '');
      } catch {
        continue; // ended while we looked
      }
      if (!wanted.has(comm)) continue;
      for (const name of names) {
        if (!isProgram(this.procRoot, pid, comm, name)) continue;
        const stat = readStat(this.procRoot, pid);
        if (!stat) break;
        this.tracked.set(pid, { name, startTicks: stat.startTicks });
        stats.set(pid, stat);
        break;
      }
    }
    return stats;
  }

  private aggregate(names: readonly string[], stats: Map<number, ProcStat>, now: number, page: number): Map<string, ProcessSample> {
    const out = new Map<string, ProcessSample>(names.map((n) => [n, { count: 0, rssBytes: 0 }]));
    const next = new Map<number, { cpuTicks: number; at: number }>();
    for (const [pid, stat] of stats) {
      const t = this.tracked.get(pid);
      const sample = t && out.get(t.name);
      if (!sample) continue;
      sample.count++;
      sample.rssBytes += stat.rssPages * page;
      next.set(pid, { cpuTicks: stat.cpuTicks, at: now });
      const prev = this.previous.get(pid);
      if (prev && now > prev.at) {
        const percent = ((stat.cpuTicks - prev.cpuTicks) / TICKS_PER_SECOND / ((now - prev.at) / 1000)) * 100;
        sample.cpuPercent = (sample.cpuPercent ?? 0) + Math.max(0, percent);
      }
    }
    this.previous = next;
    return out;
  }
}
