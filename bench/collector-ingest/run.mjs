// Collector ingest: one collector process holding a simulated fleet over real WebSockets on
// loopback, writing into a real influxd; the raw InfluxDB ceiling measured in the same run;
// saturation; and a reconnect storm after a collector restart.
//
//   npm run bench -- collector-ingest [--agents 15000] [--minutes 5] [--quick] [--profile]
//        [--saturation-sec 120] [--ceiling-sec 30] [--no-saturation] [--no-storm] [--keep]
//
// Phases: start influxd and the collector → enroll every agent (own identity and node key) →
// connect (spread over 20 s) → warm-up → steady window at the report interval → drain and count
// reports in InfluxDB → raw ceiling → saturation (reports every second, ack window 16) → drain
// and count → reconnect storm (SIGTERM, restart, the agent's backoff) → drain and count.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarizeProfileFile } from '../lib/cpu-profile.mjs';
import { freePort, sleep } from '../lib/processes.mjs';
import { loadCollectorConfig } from '../../collector/dist/config.js';
import { hostRecord, measureCeiling, seedSeries } from './ceiling.mjs';
import { ProcWatch, readProc, startCollectorProcess, waitQuiet, writeCollectorFiles } from './collector-proc.mjs';
import { Fleet } from './fleet.mjs';
import { countPerHost, influxdVersion, lastSelfMetrics, selfMetricsSince, startInfluxd } from './influxd.mjs';
import { parseOptions } from './options.mjs';
import { ReportTemplate } from './report-builder.mjs';
import { buildResult } from './results.mjs';
import { LatencyHistogram, lostReports } from './stats.mjs';

export const description = 'one collector, N simulated agents over real WebSockets into a real influxd: throughput, ack latency, CPU/RSS, loss, saturation vs the raw InfluxDB ceiling, reconnect storm';
export { parseOptions };

const TEMPLATE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'recorded-report.json');

/** Reports acknowledged vs reports in InfluxDB (one siaga_agent_spool point per report, since the run began). */
async function countLoss(influxUrl, fleet, sinceMs) {
  const [acked, stored] = await Promise.all([fleet.acked(), countPerHost(influxUrl, 'siaga', 'siaga_agent_spool', 'queued', sinceMs)]);
  return { ...lostReports(acked, stored), acked: [...acked.values()].reduce((a, b) => a + b, 0) };
}

/**
 * Waits until the collector's own sample says nothing is pending or spilled (it is written every
 * 10 s): as long as its spill keeps draining, and 120 s more at most once it stops shrinking.
 */
async function waitSettled(influxUrl, after, log) {
  const started = Date.now();
  let deadline = started + 120_000;
  let smallest = Infinity;
  for (;;) {
    const m = await lastSelfMetrics(influxUrl, 'siaga').catch(() => undefined);
    if (m && m.time > after && m.influx_pending === 0 && m.influx_spill_backlog === 0) {
      log(`collector settled after ${((Date.now() - started) / 1000).toFixed(0)} s`);
      return m;
    }
    if (m && m.time > after && m.influx_spill_backlog < smallest) {
      smallest = m.influx_spill_backlog;
      deadline = Date.now() + 120_000;
    }
    if (Date.now() > deadline) {
      log(`collector not settled: its spill stopped draining for 120 s: ${JSON.stringify(m)}`);
      return m;
    }
    await sleep(2_000);
  }
}

/** points_written per second by the collector's own count, between two of its samples (written every 10 s). */
function selfRate(before, after) {
  if (!before || !after || after.time <= before.time) return null;
  return (after.points_written - before.points_written) / ((after.time - before.time) / 1000);
}

/** Runs a measuring window: progress every 15 s, latency histogram and counters over the window. */
async function window(fleet, watch, sec, log, label, influxUrl) {
  await fleet.stats(); // empties the histograms
  const selfFirst = await lastSelfMetrics(influxUrl, 'siaga');
  const first = await fleet.stats();
  const marked = watch.mark();
  const startedAt = Date.now();
  const latency = new LatencyHistogram();
  const end = Date.now() + sec * 1000;
  let last = first;
  while (Date.now() < end) {
    await sleep(Math.min(15_000, end - Date.now()));
    last = await fleet.stats();
    latency.add(last.latency);
    const ms = (q) => (q === null ? '–' : (q / 1000).toFixed(0));
    log(`${label}: ${Math.round(sec - (end - Date.now()) / 1000)} s, ${last.welcomed} connected, acked ${last.acked - first.acked}, in flight ${last.inflight}, p99 ${ms(latency.quantile(0.99))} ms (last 15 s: ${ms(last.latency.quantile(0.99))} ms)`);
  }
  const procs = watch.since(marked);
  const s = (last.at - first.at) / 1000;
  const selfLast = await lastSelfMetrics(influxUrl, 'siaga');
  const samples = await selfMetricsSince(influxUrl, 'siaga', startedAt);
  const worst = (field) => Math.max(0, ...samples.map((x) => Number(x[field] ?? 0)));
  const median = (field) => {
    const v = samples.map((x) => Number(x[field] ?? 0)).sort((a, b) => a - b);
    return v.length > 0 ? v[v.length >> 1] : 0;
  };
  const loopDelay = { p99Ms: worst('event_loop_delay_p99_ms'), maxMs: worst('event_loop_delay_max_ms') };
  // As the collector sees them: frame read → ack sent, and a spill append's write + fdatasync.
  const inside = { ackP99Ms: median('report_ack_p99_ms'), ackWorstP99Ms: worst('report_ack_p99_ms'), spillP99Ms: median('influx_spill_append_p99_ms'), spillWorstP99Ms: worst('influx_spill_append_p99_ms') };
  const spilledSlow = (selfLast?.influx_spilled_slow ?? 0) - (selfFirst?.influx_spilled_slow ?? 0);
  const slowBacklogWaits = (selfLast?.influx_slow_backlog_waits ?? 0) - (selfFirst?.influx_slow_backlog_waits ?? 0);
  return { sec: s, first, last, latency, procs, loopDelay, inside, spilledSlow, slowBacklogWaits, spillUnwrittenMax: worst('influx_spill_unwritten'), selfPointsPerSec: selfRate(selfFirst, selfLast), reportsPerSec: (last.acked - first.acked) / s, generatedPerSec: (last.generated - first.generated) / s, skipped: last.skipped - first.skipped };
}

export async function run({ argv, root, log }) {
  const opts = parseOptions(argv);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'siaga-bench-ingest-'));
  const template = ReportTemplate.fromFile(TEMPLATE);
  const watch = new ProcWatch();
  const profileDir = opts.profile ? path.join(root, 'bench/results/profiles', `collector-ingest-${new Date().toISOString().replace(/[:.]/g, '-')}`) : undefined;
  let fleet;
  let collector;
  let influxd;
  const phases = {};
  let steadyAt;
  const cleanup = async () => {
    watch.stop();
    await fleet?.stop().catch(() => undefined);
    await collector?.stop().catch(() => undefined);
    await influxd?.child.stop().catch(() => undefined);
    if (opts.keep) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  };
  // Interrupted (Ctrl-C): stop the collector, influxd and the generator processes, remove the temp dir.
  const onSignal = (signal) => {
    log(`${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const [influxPort, rpcPort, port] = [await freePort(), await freePort(), await freePort()];
    influxd = await startInfluxd(path.join(dir, 'influxd'), { port: influxPort, rpcPort, nice: opts.influxdNice, walFsyncDelay: opts.influxdWalFsyncDelay });
    watch.watch('influxd', influxd.child.pid);
    const secret = randomBytes(24).toString('base64url');
    const configFile = writeCollectorFiles(root, dir, { port, secret, influxUrl: influxd.url, logLevel: opts.logLevel, influx: { concurrency: opts.influxConcurrency, ...(opts.statusHeartbeat === undefined ? {} : { statusHeartbeat: opts.statusHeartbeat }) } });
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    const collectorStartedAt = performance.now();
    collector = (await startCollectorProcess(root, dir, { configFile, port, nodeFlags: [...opts.nodeFlags, ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])] })).child;
    watch.watch('collector', collector.pid);
    const baseUrl = `http://127.0.0.1:${port}`;
    log(`temp dir ${dir}; influxd :${influxPort}, collector :${port}; ${opts.agents} agents in sites of ${opts.perSite}, at most ${opts.perWorker} per generator process`);

    fleet = new Fleet({ agents: opts.agents, perSite: opts.perSite, perWorker: opts.perWorker, logDir: dir });
    watch.watch('generator', fleet.pids);
    await fleet.init({ baseUrl, secret, templateFile: TEMPLATE, window: 16 });
    const enrollStart = performance.now();
    const enrolled = await fleet.all('enroll', { concurrency: 8 });
    const enrollFailed = enrolled.reduce((n, e) => n + e.failed, 0);
    if (enrollFailed > 0) throw new Error(`${enrollFailed} agents could not enroll: ${enrolled.flatMap((e) => e.errors).slice(0, 3).join('; ')}`);
    phases.enroll = { agents: opts.agents, sec: (performance.now() - enrollStart) / 1000 };
    log(`enrolled ${opts.agents} agents in ${phases.enroll.sec.toFixed(1)} s over ${fleet.workers.length} generator processes and ${fleet.sites} sites`);
    const hosts = (await fleet.all('hosts')).flat().map(hostRecord);
    const seeded = await seedSeries({ baseUrl: influxd.url, db: 'siaga', template, hosts });
    phases.seed = { points: seeded.points, sec: seeded.sec };
    log(`an established fleet: ${seeded.points} points (one report per host, a day back) written to InfluxDB in ${seeded.sec.toFixed(1)} s, creating its series`);
    phases.seed.quietSec = await waitQuiet(influxd.child.pid);
    log(`InfluxDB quiet again after ${phases.seed.quietSec.toFixed(0)} s`);
    const runStartMs = Date.now();

    await sleep(3_000);
    const rssBefore = watch.read('collector').rssKb;
    const connectStart = performance.now();
    const connected = await fleet.all('connect', { spreadMs: 20_000, timeoutMs: 120_000 });
    const welcomed = connected.reduce((n, c) => n + c.welcomed, 0);
    await sleep(5_000);
    const rssConnected = watch.read('collector').rssKb;
    phases.connect = { welcomed, sec: (performance.now() - connectStart) / 1000, rssBeforeMb: rssBefore / 1024, rssConnectedMb: rssConnected / 1024, kbPerConnection: (rssConnected - rssBefore) / welcomed };
    log(`connected ${welcomed}/${opts.agents}: collector RSS ${(rssBefore / 1024).toFixed(0)} → ${(rssConnected / 1024).toFixed(0)} MB (${phases.connect.kbPerConnection.toFixed(1)} KB per idle connection)`);

    // Steady state: the default interval, jittered start, as a real fleet.
    await fleet.all('schedule', { intervalMs: opts.intervalSec * 1000, maxBacklog: 1_000 });
    log(`reports every ${opts.intervalSec} s (${((opts.agents / opts.intervalSec) | 0)} reports/s expected); warming up ${opts.warmupSec} s`);
    await sleep(opts.warmupSec * 1000);
    const selfBefore = await lastSelfMetrics(influxd.url, 'siaga');
    steadyAt = performance.now();
    phases.steady = await window(fleet, watch, opts.minutes * 60, log, 'steady', influxd.url);
    phases.steady.collectorHwmMb = (readProc(collector.pid)?.hwmKb ?? 0) / 1024;
    const drained = await fleet.all('drain', { timeoutMs: 120_000 });
    phases.steady.unackedAfterDrain = drained.reduce((n, d) => n + d.unacked, 0);
    const settled = await waitSettled(influxd.url, Date.now(), log);
    phases.steady.self = { before: selfBefore, after: settled };
    phases.steady.loss = await countLoss(influxd.url, fleet, runStartMs);
    log(`steady: ${phases.steady.reportsPerSec.toFixed(0)} reports/s; lost ${phases.steady.loss.lost} of ${phases.steady.loss.acked} acked; InfluxDB write errors ${settled?.influx_write_errors ?? '?'}`);

    // The ceiling is measured on the points the collector stores: its own config says how it thins them.
    const heartbeatMs = loadCollectorConfig(configFile).influx.statusHeartbeat * 1000;
    phases.ceiling = await measureCeiling({ baseUrl: influxd.url, template, hosts, seconds: opts.ceilingSec, heartbeatMs, waitQuiet: () => waitQuiet(influxd.child.pid), log });
    log(`raw InfluxDB ceiling: ${phases.ceiling.pointsPerSec.toFixed(0)} points/s for the collector's stream (${phases.ceiling.pointsPerReport.toFixed(1)} points per report), ${phases.ceiling.everyPoint.pointsPerSec.toFixed(0)} points/s for every point of every report (4 writers × 5,000-point batches)`);

    if (opts.saturation) {
      phases.ceiling.quietSec = await waitQuiet(influxd.child.pid);
      log(`InfluxDB quiet again after ${phases.ceiling.quietSec.toFixed(0)} s`);
      await fleet.all('schedule', { intervalMs: opts.saturationIntervalSec * 1000, maxBacklog: 16 });
      log(`saturation: reports every ${opts.saturationIntervalSec} s within the ack window (16); 15 s to ramp up`);
      await sleep(15_000);
      phases.saturation = await window(fleet, watch, opts.saturationSec, log, 'saturation', influxd.url);
      phases.saturation.collectorHwmMb = (readProc(collector.pid)?.hwmKb ?? 0) / 1024;
      await fleet.all('drain', { timeoutMs: 180_000 });
      phases.saturation.self = await waitSettled(influxd.url, Date.now(), log);
      phases.saturation.loss = await countLoss(influxd.url, fleet, runStartMs);
      log(`saturation: ${phases.saturation.reportsPerSec.toFixed(0)} reports/s, ${phases.saturation.selfPointsPerSec?.toFixed(0) ?? '?'} points/s written; lost ${phases.saturation.loss.lost}`);
    }

    if (opts.storm) {
      await fleet.all('schedule', { intervalMs: opts.intervalSec * 1000, maxBacklog: 1_000 });
      await sleep(opts.intervalSec * 1000 + 5_000);
      // The collector drains what it spilled during saturation; a restart would only postpone it.
      phases.stormQuietSec = await waitQuiet(influxd.child.pid);
      log(`InfluxDB quiet again after ${phases.stormQuietSec.toFixed(0)} s`);
      const before = await fleet.stats();
      const markAt = Date.now();
      await fleet.all('mark', { at: markAt });
      log('storm: SIGTERM to the collector (it closes every connection with 1012), then a restart on the same port');
      collector.child.kill('SIGTERM');
      const stopStarted = performance.now();
      const exitCode = await Promise.race([collector.exited, sleep(60_000).then(() => 'timeout')]);
      const stopSec = (performance.now() - stopStarted) / 1000;
      if (exitCode === 'timeout') await collector.stop('SIGKILL');
      const restarted = await startCollectorProcess(root, dir, { configFile, port, nodeFlags: opts.nodeFlags, name: 'collector-restarted' });
      collector = restarted.child;
      watch.watch('collector', collector.pid);
      const readyAfterSec = (Date.now() - markAt) / 1000;
      const marked = watch.mark();
      const deadline = markAt + opts.stormTimeoutSec * 1000;
      let r = await fleet.reconnects();
      while (Date.now() < deadline && (r.dropped < opts.agents * 0.99 || r.back.length < r.dropped)) {
        await sleep(1_000);
        r = await fleet.reconnects();
        if (Math.round((Date.now() - markAt) / 1000) % 15 === 0) log(`storm: ${r.back.length}/${r.dropped} reconnected after ${((Date.now() - markAt) / 1000).toFixed(0)} s`);
      }
      await sleep(10_000);
      const procs = watch.since(marked);
      const after = await fleet.stats();
      const at = (q) => (r.back.length > 0 ? r.back[Math.min(r.back.length - 1, Math.ceil(q * r.dropped) - 1)] / 1000 : null);
      phases.storm = {
        dropped: r.dropped,
        back: r.back.length,
        stopSec,
        exit: exitCode,
        readyAfterSec,
        p50Sec: at(0.5),
        p99Sec: r.back.length >= Math.ceil(0.99 * r.dropped) ? at(0.99) : null,
        allSec: r.back.length === r.dropped ? at(1) : null,
        refusals: Object.fromEntries(Object.entries(after.refusals).map(([k, v]) => [k, v - (before.refusals[k] ?? 0)]).filter(([, v]) => v > 0)),
        closes: Object.fromEntries(Object.entries(after.closes).map(([k, v]) => [k, v - (before.closes[k] ?? 0)]).filter(([, v]) => v > 0)),
        connects: after.connects - before.connects,
        timeline: r.timeline,
        collectorHwmMb: (readProc(collector.pid)?.hwmKb ?? 0) / 1024,
        procs,
      };
      await fleet.all('drain', { timeoutMs: 180_000 });
      await waitSettled(influxd.url, Date.now(), log);
      phases.storm.loss = await countLoss(influxd.url, fleet, runStartMs);
      for (const [kind, row] of Object.entries(r.timeline)) log(`storm per 10 s, ${kind}: ${row.join(' ')}`);
      log(`storm: 99 % back after ${phases.storm.p99Sec ?? '–'} s; refusals ${JSON.stringify(phases.storm.refusals)}; closes ${JSON.stringify(phases.storm.closes)}; lost ${phases.storm.loss.lost}`);
    }

    let profile;
    if (profileDir && steadyAt !== undefined) {
      await collector.stop();
      const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
      // From the steady window on: enrollment and connecting are left out.
      if (file) profile = { file: path.relative(root, path.join(profileDir, file)), ...summarizeProfileFile(path.join(profileDir, file), 25, steadyAt - collectorStartedAt) };
    }
    return buildResult({ opts, template, phases, influxVersion: influxdVersion(), generatorProcesses: fleet.workers.length, sites: fleet.sites, profile });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}
