// The raw InfluxDB ingest ceiling, measured in the same run: the fleet's own points (built by
// the collector's code from the same reports, for the same hosts) written straight to InfluxDB
// as plain line protocol (as the collector sends it to an InfluxDB on loopback), 4 writers of
// 5,000-point batches over keep-alive connections.
// Bodies are built before the clock starts, so the figure is InfluxDB's, not the client's.
import http from 'node:http';
import { reportPoints } from '../../collector/dist/ingest/points.js';
import { StatusThinning } from '../../collector/dist/ingest/status-thinning.js';
import { pointsToLines } from '../../collector/dist/sinks/line-protocol.js';
import { influxQuery } from './influxd.mjs';

/** The host record the collector would hold for a simulated agent (what the host tags come from). */
export function hostRecord({ hostId, hostname, site }) {
  return { id: hostId, hostname, os: { platform: 'win32' }, site, group: 'office' };
}

/**
 * Request bodies of `batchSize` lines: one report per host per pass, passes 15 s apart
 * (as a fleet reporting on the default interval would write them), `passes` of them or, with
 * `maxPoints`, as many whole passes as reach it. With `thinning` (the collector's
 * StatusThinning), each report keeps only the points the collector would store.
 */
export function buildBodies(template, hosts, { passes, maxPoints = Infinity, batchSize, startMs, policyVersion = 'ceiling', thinning }) {
  const bodies = [];
  let lines = [];
  let points = 0;
  const flush = () => {
    if (lines.length === 0) return;
    bodies.push({ body: Buffer.from(`${lines.join('\n')}\n`), points: lines.length });
    points += lines.length;
    lines = [];
  };
  const profiles = hosts.map(() => template.agentProfile());
  let pass = 0;
  for (; pass < passes && points + lines.length < maxPoints; pass += 1) {
    for (let i = 0; i < hosts.length; i += 1) {
      const report = JSON.parse(template.build(profiles[i], { seq: pass + 1, collectedAt: startMs + pass * 15_000 + i, policyVersion }));
      const frame = thinning ? thinning.thin(hosts[i].id, report) : report;
      for (const line of pointsToLines(reportPoints(hosts[i], frame))) {
        lines.push(line);
        if (lines.length >= batchSize) flush();
      }
    }
  }
  flush();
  return { bodies, points, passes: pass };
}

function post(url, agent, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => (res.statusCode === 204 ? resolve() : reject(new Error(`InfluxDB answered ${res.statusCode}: ${text.slice(0, 300)}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Writes `bodies` in order with `writers` requests in flight; returns points and seconds. */
export async function writeBodies(baseUrl, db, bodies, { writers, maxSec = Infinity }) {
  const url = `${baseUrl}/write?db=${encodeURIComponent(db)}&precision=ms`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: writers });
  let next = 0;
  let points = 0;
  const started = performance.now();
  const deadline = started + maxSec * 1000;
  const lane = async () => {
    while (next < bodies.length && performance.now() < deadline) {
      const b = bodies[next++];
      await post(url, agent, b.body);
      points += b.points;
    }
  };
  try {
    await Promise.all(Array.from({ length: writers }, lane));
  } finally {
    agent.destroy();
  }
  return { points, sec: (performance.now() - started) / 1000 };
}

/**
 * One report per host written straight into `db`, a day back: the series an established fleet
 * already has in InfluxDB (creating 50 series per host is a one-time cost of a new fleet, and it
 * would otherwise land in the measured window).
 */
export async function seedSeries({ baseUrl, db, template, hosts, writers = 4, batchSize = 5_000 }) {
  const { bodies } = buildBodies(template, hosts, { passes: 1, batchSize, startMs: Date.now() - 86_400_000, policyVersion: 'seed' });
  return writeBodies(baseUrl, db, bodies, { writers });
}

/**
 * One ceiling on a fresh database: a first pass creates every series (not timed: the collector's
 * steady state writes to existing series too), then timed passes for up to `seconds`.
 */
async function ceilingOf({ baseUrl, db, template, hosts, seconds, writers, batchSize, heartbeatMs, log }) {
  await influxQuery(baseUrl, `CREATE DATABASE "${db}"`);
  const startMs = Date.now() - 3_600_000;
  // The warm pass goes through the same thinning, as a host's first report does in the collector.
  const thinning = heartbeatMs === undefined ? undefined : new StatusThinning(heartbeatMs);
  const warm = buildBodies(template, hosts, { passes: 1, batchSize, startMs, thinning });
  // Enough points for `seconds` at up to 150k points/s, at most 3M held in memory.
  const timed = buildBodies(template, hosts, { passes: Infinity, maxPoints: Math.min(seconds * 150_000, 3_000_000), batchSize, startMs: startMs + 15_000, thinning });
  const created = await writeBodies(baseUrl, db, warm.bodies, { writers });
  log(`ceiling (${db}): series created (${created.points} points in ${created.sec.toFixed(1)} s); timing ${timed.points} points, at most ${seconds} s`);
  const run = await writeBodies(baseUrl, db, timed.bodies, { writers, maxSec: seconds });
  await influxQuery(baseUrl, `DROP DATABASE "${db}"`);
  return { pointsPerSec: run.points / run.sec, points: run.points, sec: run.sec, pointsPerReport: timed.points / (timed.passes * hosts.length), seriesPassPointsPerSec: created.points / created.sec };
}

/**
 * The ceiling for the stream the collector writes: the fleet's reports 15 s apart, with the
 * status points the collector leaves out (influx.statusHeartbeat, `heartbeatMs`) left out too, so
 * InfluxDB is measured on the same points, not on the lighter ones thinning removes. Also the
 * ceiling for every point of every report, for comparison. Each starts once InfluxDB is quiet
 * (`waitQuiet`: done compacting what came before).
 */
export async function measureCeiling({ baseUrl, template, hosts, seconds, heartbeatMs, waitQuiet, writers = 4, batchSize = 5_000, log }) {
  const quietBeforeSec = await waitQuiet();
  const stream = await ceilingOf({ baseUrl, db: 'ceiling', template, hosts, seconds, writers, batchSize, heartbeatMs, log });
  const quietBetweenSec = await waitQuiet();
  const everyPoint = await ceilingOf({ baseUrl, db: 'ceiling_every_point', template, hosts, seconds, writers, batchSize, heartbeatMs: undefined, log });
  return { ...stream, writers, batchSize, heartbeatMs, quietBeforeSec, quietBetweenSec, everyPoint };
}
