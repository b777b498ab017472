// The collector under test: its config for the run, the process (restartable on the same port
// and data dir) and what /proc says about it (CPU = utime + stime, memory = VmRSS / VmHWM).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { benchPolicy } from '../agent-footprint/subjects.mjs';
import { clockTicksPerSecond, parseStat, parseStatusKb } from '../lib/procfs.mjs';
import { LoggedChild } from '../lib/processes.mjs';

/**
 * The collector config of the run. Gateway limits stay at their defaults except enrollment:
 * a real fleet enrolls once over days or weeks, the benchmark enrolls it in a minute, so the
 * per-address enroll rate is raised (documented in the report).
 */
export function collectorConfig({ dir, port, secret, influxUrl, policyFile, logLevel = 'info', influx = {} }) {
  return [
    `listen: { host: 127.0.0.1, port: ${port} }`,
    `dataDir: ${JSON.stringify(path.join(dir, 'collector-data'))}`,
    `policyFile: ${JSON.stringify(policyFile)}`,
    `enroll: { secrets: [${JSON.stringify(secret)}] }`,
    `influx: ${JSON.stringify({ url: influxUrl, database: 'siaga', ...influx })}`,
    'gateway:',
    '  enrollRate: { perSecond: 5000, burst: 5000 }',
    `log: { level: ${logLevel} }`,
    '',
  ].join('\n');
}

export function writeCollectorFiles(root, dir, { port, secret, influxUrl, logLevel, influx }) {
  const policyFile = path.join(dir, 'policy.yaml');
  writeFileSync(policyFile, benchPolicy(root, { collectorPort: port, intervalSec: 15, backupDir: path.join(dir, 'backups') }));
  const configFile = path.join(dir, 'collector.yaml');
  writeFileSync(configFile, collectorConfig({ dir, port, secret, influxUrl, policyFile, logLevel, influx }));
  return configFile;
}

/** Starts the collector from the built dist; `nodeFlags` e.g. --cpu-prof. Resolves once /healthz answers. */
export async function startCollectorProcess(root, dir, { configFile, port, nodeFlags = [], name = 'collector' }) {
  const child = new LoggedChild(name, process.execPath, [...nodeFlags, path.join(root, 'collector/dist/cli.js'), '--config', configFile], { logFile: path.join(dir, `${name}.log`) });
  const startedAt = performance.now();
  await child.waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok ? true : undefined), '/healthz', 120_000);
  return { child, readyMs: performance.now() - startedAt };
}

/** One reading of a process: CPU seconds (own, not children), RSS and peak RSS in KiB; undefined once gone. */
export function readProc(pid) {
  try {
    const stat = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const status = parseStatusKb(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { at: performance.now(), cpuSeconds: (stat.utime + stat.stime) / clockTicksPerSecond(), rssKb: status.VmRSS ?? 0, hwmKb: status.VmHWM ?? 0 };
  } catch {
    return undefined;
  }
}

/**
 * Waits until a process has used less than `belowCores` of a core over the last 5 s (InfluxDB
 * compacting what a phase wrote), at most `maxSec`; returns the seconds waited.
 */
export async function waitQuiet(pid, { belowCores = 0.15, maxSec = 120 } = {}) {
  const started = performance.now();
  const samples = [readProc(pid)];
  while ((performance.now() - started) / 1000 < maxSec) {
    await new Promise((r) => setTimeout(r, 1_000));
    const now = readProc(pid);
    if (!now) break;
    samples.push(now);
    const from = samples.at(-6);
    if (from && (now.cpuSeconds - from.cpuSeconds) / ((now.at - from.at) / 1000) < belowCores) break;
  }
  return (performance.now() - started) / 1000;
}

/** Samples a set of processes every second: CPU between marks, peak RSS in a window. */
export class ProcWatch {
  constructor() {
    this.pids = new Map();
    this.peaks = new Map();
    this.timer = setInterval(() => this.sample(), 1_000);
    this.timer.unref();
  }

  /** Watches `pid` under `name` (a restarted process replaces the old one). */
  watch(name, pid) {
    this.pids.set(name, [pid].flat());
    this.peaks.set(name, 0);
  }

  /** CPU seconds and RSS of `name` now (summed over its pids). */
  read(name) {
    let cpuSeconds = 0;
    let rssKb = 0;
    for (const pid of this.pids.get(name) ?? []) {
      const r = readProc(pid);
      if (!r) continue;
      cpuSeconds += r.cpuSeconds;
      rssKb += r.rssKb;
    }
    return { at: performance.now(), cpuSeconds, rssKb };
  }

  sample() {
    for (const name of this.pids.keys()) this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, this.read(name).rssKb));
  }

  /** Starts a measuring window: peaks from now on. */
  mark() {
    this.sample();
    const readings = {};
    for (const name of this.pids.keys()) {
      readings[name] = this.read(name);
      this.peaks.set(name, readings[name].rssKb);
    }
    return readings;
  }

  /** CPU (% of one core) and peak RSS (MB) of every process since `marked`. */
  since(marked) {
    this.sample();
    const out = {};
    for (const [name, first] of Object.entries(marked)) {
      const last = this.read(name);
      const sec = (last.at - first.at) / 1000;
      out[name] = { cpuPercent: sec > 0 ? ((last.cpuSeconds - first.cpuSeconds) / sec) * 100 : null, peakRssMb: (this.peaks.get(name) ?? 0) / 1024, rssMb: last.rssKb / 1024, cpuSeconds: last.cpuSeconds - first.cpuSeconds, sec };
    }
    return out;
  }

  stop() {
    clearInterval(this.timer);
  }
}
