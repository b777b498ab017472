// The collector-ingest report: rows per phase, the raw InfluxDB ceiling as the reference, targets.

const ms = (us) => (us === null || us === undefined ? null : us / 1000);

/** One row's values from a measuring window (steady or saturation). */
function windowValues(w, pointsPerReport, agents) {
  return {
    agents,
    reportsPerSec: w.reportsPerSec,
    // What reached InfluxDB, by the collector's own count; reports carry more (status points are thinned).
    pointsPerSec: w.selfPointsPerSec ?? null,
    carriedPointsPerSec: w.reportsPerSec * pointsPerReport,
    p50Ms: ms(w.latency.quantile(0.5)),
    p99Ms: ms(w.latency.quantile(0.99)),
    collectorCpu: w.procs.collector?.cpuPercent ?? null,
    collectorRssMb: w.procs.collector?.peakRssMb ?? null,
    influxdCpu: w.procs.influxd?.cpuPercent ?? null,
    generatorCpu: w.procs.generator?.cpuPercent ?? null,
    lost: w.loss?.lost ?? null,
  };
}

export function buildResult({ opts, template, phases, influxVersion, generatorProcesses, sites, profile }) {
  const { steady, saturation, ceiling, storm, connect, enroll } = phases;
  const points = template.pointsPerReport;
  const rows = [];
  rows.push({ name: 'collector, steady', role: 'subject', values: windowValues(steady, points, opts.agents), note: `${opts.agents} agents reporting every ${opts.intervalSec} s (expected ${(opts.agents / opts.intervalSec).toFixed(0)} reports/s), ${Math.round(steady.sec)} s window` });
  if (saturation) rows.push({ name: 'collector, saturation', role: 'subject', values: windowValues(saturation, points, opts.agents), note: `every agent reports every ${opts.saturationIntervalSec} s within the ack window of 16; throughput limited by the collector and InfluxDB sharing the machine` });
  if (storm) {
    rows.push({
      name: 'collector, reconnect storm',
      role: 'subject',
      values: { agents: storm.dropped, collectorCpu: storm.procs.collector?.cpuPercent ?? null, collectorRssMb: storm.collectorHwmMb, influxdCpu: storm.procs.influxd?.cpuPercent ?? null, generatorCpu: storm.procs.generator?.cpuPercent ?? null, lost: storm.loss?.lost ?? null, reconnect99Sec: storm.p99Sec, refused: (storm.refusals['429'] ?? 0) + (storm.refusals['503'] ?? 0) + (storm.closes['1013'] ?? 0) + (storm.closes['1008'] ?? 0) },
      note: `SIGTERM (closes with 1012) → restart on the same port; agents reconnect with the real agent's policy. Collector stopped in ${storm.stopSec.toFixed(1)} s, answered again ${storm.readyAfterSec.toFixed(1)} s after the SIGTERM; 50 % back after ${storm.p50Sec?.toFixed(1) ?? '–'} s, all after ${storm.allSec?.toFixed(1) ?? '–'} s; refusals ${JSON.stringify(storm.refusals)}, close codes ${JSON.stringify(storm.closes)}, ${storm.connects} connection attempts`,
    });
  }
  const raw = (c) => `plain line protocol straight to InfluxDB, ${ceiling.writers} writers × ${ceiling.batchSize}-point batches, ${c.points} points in ${c.sec.toFixed(1)} s (first pass creating the series: ${c.seriesPassPointsPerSec.toFixed(0)} points/s, not counted)`;
  rows.push({ name: 'InfluxDB raw ceiling', role: 'reference', values: { pointsPerSec: ceiling.pointsPerSec }, note: `the same points the collector writes: the fleet's reports 15 s apart, status points thinned as the collector does (statusHeartbeat ${ceiling.heartbeatMs / 1000} s; ${ceiling.pointsPerReport.toFixed(1)} points per report), ${raw(ceiling)}` });
  rows.push({ name: 'InfluxDB raw ceiling, every point', role: 'reference', values: { pointsPerSec: ceiling.everyPoint.pointsPerSec }, note: `every point of every report (${points}; status points carry 2–4 fields, measurements 4–12), for comparison; ${raw(ceiling.everyPoint)}` });

  const steadyCollector = steady.procs.collector ?? {};
  const notes = [
    `Everything on one ${opts.quick ? '(quick run) ' : ''}machine: influxd, the collector and ${generatorProcesses} load-generator processes (at most ${opts.perWorker} WebSockets each; the open-file limit is 20,000 per process) share its cores; the generator's CPU is in its own column and competes with the collector.`,
    `Reports are built from a recorded report of the real agent (${template.recordedBytes} bytes of JSON, ${points} points: ${template.metricCount} metrics + ${template.checkCount} checks), numbers varied per agent and per send, seq increasing, each with its own timestamp.`,
    `Agents enroll with their own identity (POST /v1/enroll) from ${sites} loopback source addresses, one per site of ${opts.perSite} (an office behind NAT); the bench raises gateway.enrollRate to 5,000/s so a fleet enrolls in ${enroll.sec.toFixed(0)} s instead of days; every other gateway limit (handshakeRate 20/s burst 200 per address, maxConnections 20,000) is the default. InfluxDB writes: influx.concurrency ${opts.influxConcurrency} (default 2), batches of 5,000 points, plain line protocol (influx.gzip auto: InfluxDB is on loopback), as the ceiling's writers.${opts.influxdNice > 0 ? ` influxd runs at nice ${opts.influxdNice}: the collector comes first when both want the CPU (docs/scaling.md).` : ''}${opts.influxdWalFsyncDelay !== '0s' ? ` influxd's wal-fsync-delay is ${opts.influxdWalFsyncDelay}: its WAL gathers writes that long before one fsync.` : ''}`,
    `Before the fleet connects, before each ceiling, before saturation and before the storm, InfluxDB is left to finish compacting what the previous phase wrote (below 0.15 of a core over 5 s, at most 120 s): ${phases.seed?.quietSec?.toFixed(0) ?? '–'} s after seeding the series, ${ceiling.quietBeforeSec.toFixed(0)} s before the first ceiling, ${ceiling.quietBetweenSec.toFixed(0)} s before the second, ${ceiling.quietSec?.toFixed(0) ?? '–'} s after them, ${phases.stormQuietSec?.toFixed(0) ?? '–'} s before the storm.`,
    `Idle connections: collector RSS ${connect.rssBeforeMb.toFixed(0)} MB before and ${connect.rssConnectedMb.toFixed(0)} MB after ${connect.welcomed} agents connected (${connect.kbPerConnection.toFixed(1)} KB each).`,
    `Steady window: collector ${steadyCollector.cpuPercent?.toFixed(1) ?? '–'} % of one core, peak RSS ${steadyCollector.peakRssMb?.toFixed(0) ?? '–'} MB (${((steadyCollector.peakRssMb * 1024) / opts.agents).toFixed(1)} KB per agent), process peak (VmHWM, enrollment included) ${steady.collectorHwmMb.toFixed(0)} MB; influxd ${steady.procs.influxd?.cpuPercent?.toFixed(0) ?? '–'} %, generator ${steady.procs.generator?.cpuPercent?.toFixed(0) ?? '–'} %.`,
    `Loss: after each phase the fleet stops and every agent's highest acked seq is compared with the siaga_agent_spool points per host_id in InfluxDB (one per report); lost = acked but missing. Steady: ${steady.loss.lost} of ${steady.loss.acked}${saturation ? `; after saturation: ${saturation.loss.lost}` : ''}${storm ? `; after the storm: ${storm.loss.lost}` : ''} (cumulative). Unacked after draining: ${steady.unackedAfterDrain}.`,
    `InfluxDB write errors (siaga_collector.influx_write_errors at the end of the steady phase): ${steady.self.after?.influx_write_errors ?? '?'}; spilled ${steady.self.after?.influx_spilled ?? '?'}; backpressure gauge influx_pending at the end ${steady.self.after?.influx_pending ?? '?'}.`,
  ];
  const delay = (w) => `event-loop delay p99 up to ${w.loopDelay.p99Ms.toFixed(0)} ms, max ${w.loopDelay.maxMs.toFixed(0)} ms (worst 10 s samples); inside the collector, frame read → ack p99 ${w.inside.ackP99Ms.toFixed(0)} ms (median of 10 s samples, worst ${w.inside.ackWorstP99Ms.toFixed(0)} ms), spill append + fdatasync p99 ${w.inside.spillP99Ms.toFixed(0)} ms (worst ${w.inside.spillWorstP99Ms.toFixed(0)} ms); ${w.spilledSlow} points acked from the spill because InfluxDB took longer than influx.spill.slowWriteMs to confirm them; at most ${w.spillUnwrittenMax} points in the spill InfluxDB had not taken (10 s samples); ${w.slowBacklogWaits} slow batches waited for InfluxDB because it was overloaded (influx.spill.slowBacklogPoints unwritten, the oldest slowBacklogSec old)`;
  notes.push(`Collector, steady: ${delay(steady)}.${saturation ? ` Saturation: ${delay(saturation)}.` : ''}`);
  notes.push(`Points/s are what the collector wrote to InfluxDB by its own count (siaga_collector.points_written between its 10 s samples; readiness and its own metrics included); "carried" are acked reports × ${points}. The difference is status thinning: influx.statusHeartbeat ${opts.statusHeartbeat ?? 'default (5 min)'} — siaga_check and siaga_agent points are written on a status change and otherwise once per heartbeat.`);
  if (steady.skipped > 0) notes.push(`Steady: ${steady.skipped} collections skipped because 1,000 reports already waited (the collector fell behind).`);
  if (profile) notes.push(`CPU profile of the collector (--profile; its figures include the profiler's overhead): ${profile.file}; top: ${profile.functions.slice(0, 8).map((f) => `${f.name} ${f.percent}%`).join(', ')}.`);

  const targets = [
    { label: 'steady reports/s (≥ 99 % of agents/interval)', row: 'collector, steady', key: 'reportsPerSec', op: '>=', value: Math.floor((0.99 * opts.agents) / opts.intervalSec) },
    { label: 'steady reports lost', row: 'collector, steady', key: 'lost', op: '<=', value: 0 },
    { label: 'steady p99 send → ack, ms', row: 'collector, steady', key: 'p99Ms', op: '<=', value: 1000 },
    { label: 'steady collector peak RSS, MB', row: 'collector, steady', key: 'collectorRssMb', op: '<=', value: 1024 },
  ];
  if (saturation) targets.push({ label: 'saturation points/s vs raw ceiling (same points)', row: 'collector, saturation', key: 'pointsPerSec', per: 'InfluxDB raw ceiling', op: '>=', value: 0.6 });
  if (storm) {
    targets.push({ label: 'storm: 99 % reconnected, s', row: 'collector, reconnect storm', key: 'reconnect99Sec', op: '<=', value: 180 });
    targets.push({ label: 'storm: refusals (429/503/1013/1008)', row: 'collector, reconnect storm', key: 'refused', op: '<=', value: 0 });
    targets.push({ label: 'storm: reports lost (cumulative)', row: 'collector, reconnect storm', key: 'lost', op: '<=', value: 0 });
  }

  return {
    title: `Collector ingest: ${opts.agents} agents on one collector`,
    summary: `${opts.agents} simulated agents, each enrolled with its own identity and holding one WebSocket on loopback, report every ${opts.intervalSec} s through one collector process into InfluxDB (${influxVersion}) on the same machine.`,
    parameters: { influxConcurrency: opts.influxConcurrency, influxdNice: opts.influxdNice, influxdWalFsyncDelay: opts.influxdWalFsyncDelay, statusHeartbeat: opts.statusHeartbeat ?? 'default', agents: opts.agents, minutes: opts.minutes, intervalSec: opts.intervalSec, warmupSec: opts.warmupSec, saturationSec: opts.saturation ? opts.saturationSec : 'skipped', saturationIntervalSec: opts.saturationIntervalSec, ceilingSec: opts.ceilingSec, perSite: opts.perSite, generatorProcesses, reportBytes: template.recordedBytes, pointsPerReport: points, quick: opts.quick },
    columns: [
      { key: 'agents', label: 'agents', digits: 0 },
      { key: 'reportsPerSec', label: 'reports/s', digits: 0 },
      { key: 'pointsPerSec', label: 'points/s written', digits: 0, compare: true },
      { key: 'carriedPointsPerSec', label: 'points/s carried', digits: 0 },
      { key: 'p50Ms', label: 'p50 ack', unit: 'ms', digits: 1 },
      { key: 'p99Ms', label: 'p99 ack', unit: 'ms', digits: 1 },
      { key: 'collectorCpu', label: 'collector CPU', unit: '% core', digits: 0 },
      { key: 'collectorRssMb', label: 'collector peak RSS', unit: 'MB', digits: 0 },
      { key: 'influxdCpu', label: 'influxd CPU', unit: '% core', digits: 0 },
      { key: 'generatorCpu', label: 'generator CPU', unit: '% core', digits: 0 },
      { key: 'lost', label: 'lost', digits: 0 },
      { key: 'reconnect99Sec', label: '99 % reconnected', unit: 's', digits: 1 },
      { key: 'refused', label: 'refused', digits: 0 },
    ],
    rows,
    targets,
    notes,
    details: { phases: JSON.parse(JSON.stringify(phases, (k, v) => (k === 'latency' ? undefined : v))), latencyMs: { steady: quantiles(steady.latency), saturation: saturation ? quantiles(saturation.latency) : undefined }, ...(profile ? { profile } : {}) },
  };
}

function quantiles(h) {
  return Object.fromEntries([0.5, 0.9, 0.99, 0.999, 1].map((q) => [`p${q * 100}`, ms(h.quantile(q))]));
}
