// CPU time and memory of a process and everything it spawns, read from Linux /proc.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clockTicks;
/** Kernel clock ticks per second (USER_HZ), the unit of the times in /proc/<pid>/stat. */
export function clockTicksPerSecond() {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/**
 * Parses /proc/<pid>/stat. The command name sits in parentheses and may itself hold spaces or
 * parentheses, so fields are counted from the last ')'.
 * @returns {{ pid: number, comm: string, state: string, ppid: number, utime: number, stime: number, cutime: number, cstime: number }}
 */
export function parseStat(text) {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc/<pid>/stat line: ${text.slice(0, 80)}`);
  const rest = text.slice(close + 2).trim().split(' ');
  const num = (i) => Number(rest[i]);
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: num(1),
    utime: num(11),
    stime: num(12),
    cutime: num(13),
    cstime: num(14),
  };
}

/** `VmRSS`, `VmHWM` and the other `Vm*` lines of /proc/<pid>/status, in KiB. */
export function parseStatusKb(text) {
  const out = {};
  for (const line of text.split('\n')) {
    const m = /^(Vm\w+|Rss\w+):\s+(\d+) kB$/.exec(line);
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

const readOr = (file, fallback) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
};

/** Every live process's stat, keyed by pid (processes that exit while listed are skipped). */
function allStats(procRoot) {
  const stats = new Map();
  for (const name of readdirSync(procRoot)) {
    if (!/^\d+$/.test(name)) continue;
    const text = readOr(`${procRoot}/${name}/stat`, undefined);
    if (text) stats.set(Number(name), parseStat(text));
  }
  return stats;
}

/** The pids below `root` in the process tree (children, grandchildren, ...). */
export function descendants(root, stats) {
  const children = new Map();
  for (const s of stats.values()) {
    if (!children.has(s.ppid)) children.set(s.ppid, []);
    children.get(s.ppid).push(s.pid);
  }
  const out = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift();
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/**
 * Samples one process tree. CPU counts the process itself, the children it has already reaped
 * (cutime/cstime) and the descendants alive at the moment, so a short-lived `ping` or
 * `smartctl` is never lost: while it runs it is a live descendant, after it is reaped it is
 * part of its parent's cutime. Memory is the process's own peak (VmHWM) plus the largest
 * resident size its descendants were seen to hold together. RssAnon (private memory: heap,
 * stacks) is told apart from RssFile (pages of the executable and libraries, shared with every
 * other process running them and dropped first under memory pressure).
 */
export class ProcessTreeMeter {
  /** @param {number} pid @param {{ procRoot?: string }} [options] */
  constructor(pid, options = {}) {
    this.pid = pid;
    this.procRoot = options.procRoot ?? '/proc';
    this.peakChildrenRssKb = 0;
    this.peakTreeRssKb = 0;
    this.peakAnonKb = 0;
    this.maxDescendants = 0;
    this.last = undefined;
  }

  /** One reading: CPU seconds of the tree so far and its memory now; undefined once the process is gone. */
  sample() {
    const stats = allStats(this.procRoot);
    const self = stats.get(this.pid);
    if (!self) return undefined;
    const ticks = (s) => s.utime + s.stime + s.cutime + s.cstime;
    let cpuTicks = ticks(self);
    let childrenRssKb = 0;
    const below = descendants(this.pid, stats);
    for (const pid of below) {
      cpuTicks += ticks(stats.get(pid));
      childrenRssKb += parseStatusKb(readOr(`${this.procRoot}/${pid}/status`, '')).VmRSS ?? 0;
    }
    const status = parseStatusKb(readOr(`${this.procRoot}/${this.pid}/status`, ''));
    const reading = {
      at: performance.now(),
      cpuSeconds: cpuTicks / clockTicksPerSecond(),
      selfCpuSeconds: (self.utime + self.stime) / clockTicksPerSecond(),
      rssKb: status.VmRSS ?? 0,
      hwmKb: status.VmHWM ?? 0,
      anonKb: status.RssAnon ?? 0,
      fileKb: status.RssFile ?? 0,
      childrenRssKb,
      descendants: below.length,
    };
    this.peakChildrenRssKb = Math.max(this.peakChildrenRssKb, childrenRssKb);
    this.peakTreeRssKb = Math.max(this.peakTreeRssKb, reading.rssKb + childrenRssKb);
    this.peakAnonKb = Math.max(this.peakAnonKb, reading.anonKb);
    this.maxDescendants = Math.max(this.maxDescendants, below.length);
    this.last = reading;
    return reading;
  }
}

/**
 * CPU use between two readings, extrapolated to an hour, and peak memory.
 * @param {{ at: number, cpuSeconds: number }} first
 * @param {{ at: number, cpuSeconds: number, hwmKb: number, rssKb: number }} last
 * @param {{ peakChildrenRssKb: number }} meter
 */
export function footprint(first, last, meter) {
  const windowSec = (last.at - first.at) / 1000;
  const cpuSeconds = last.cpuSeconds - first.cpuSeconds;
  return {
    windowSec,
    cpuSeconds,
    cpuSecPerHour: windowSec > 0 ? (cpuSeconds / windowSec) * 3600 : NaN,
    cpuPercent: windowSec > 0 ? (cpuSeconds / windowSec) * 100 : NaN,
    /** The process alone, without what its children used. */
    selfCpuSecPerHour: windowSec > 0 ? ((last.selfCpuSeconds - first.selfCpuSeconds) / windowSec) * 3600 : NaN,
    peakRssMb: (last.hwmKb + meter.peakChildrenRssKb) / 1024,
    peakSelfRssMb: last.hwmKb / 1024,
    peakChildrenRssMb: meter.peakChildrenRssKb / 1024,
    peakAnonMb: meter.peakAnonKb / 1024,
    rssMb: last.rssKb / 1024,
    anonMb: last.anonKb / 1024,
    fileMb: last.fileKb / 1024,
  };
}
