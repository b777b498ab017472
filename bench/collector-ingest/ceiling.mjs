// The raw InfluxDB ingest ceiling, measured in the same run: the fleet's own points (built by
// the collector's code from the same reports, for the same hosts) written straight to InfluxDB
// as plain line protocol (as the collector sends it to an InfluxDB on loopback), 4 writers of
// 5,000-point batches over keep-alive connections.
// Bodies are built before the clock starts, so the figure is InfluxDB's, not the client's.
import http from 'node:http';
import { reportPoints } from '../../collector/dist/ingest/points.js';
import { pointsToLines } from '../../collector/dist/sinks/line-protocol.js';
import { influxQuery } from './influxd.mjs';

/** The host record the collector would hold for a simulated agent (what the host tags come from). */
export function hostRecord({ hostId, hostname, site }) {
  return { id: hostId, hostname, os: { platform: 'win32' }, site, group: 'office' };
}

/**
 * Request bodies of `batchSize` lines: one report per host per pass, passes 15 s apart
 * (as a fleet reporting on the default interval would write them).
 */
export function buildBodies(template, hosts, { passes, batchSize, startMs, policyVersion = 'ceiling' }) {
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
  for (let pass = 0; pass < passes; pass += 1) {
    for (let i = 0; i < hosts.length; i += 1) {
      const frame = JSON.parse(template.build(profiles[i], { seq: pass + 1, collectedAt: startMs + pass * 15_000 + i, policyVersion }));
      for (const line of pointsToLines(reportPoints(hosts[i], frame))) {
        lines.push(line);
        if (lines.length >= batchSize) flush();
      }
    }
  }
  flush();
  return { bodies, points };
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
 * The ceiling: a first pass creates every series (not timed: the collector's steady state
 * writes to existing series too), then timed passes for up to `seconds`.
 */
export async function measureCeiling({ baseUrl, template, hosts, seconds, writers = 4, batchSize = 5_000, log }) {
  const db = 'ceiling';
  await influxQuery(baseUrl, `CREATE DATABASE "${db}"`);
  const startMs = Date.now() - 3_600_000;
  const passPoints = hosts.length * template.pointsPerReport;
  // Enough passes for `seconds` at up to 150k points/s, at most 3M points held in memory.
  const passes = Math.max(1, Math.min(Math.ceil((seconds * 150_000) / passPoints), Math.floor(3_000_000 / passPoints)));
  log(`ceiling: building ${passes + 1} passes of ${passPoints} points (${hosts.length} hosts × ${template.pointsPerReport})`);
  const warm = buildBodies(template, hosts, { passes: 1, batchSize, startMs });
  const timed = buildBodies(template, hosts, { passes, batchSize, startMs: startMs + 15_000 });
  const created = await writeBodies(baseUrl, db, warm.bodies, { writers });
  log(`ceiling: series created (${created.points} points in ${created.sec.toFixed(1)} s); timing ${timed.points} points, at most ${seconds} s`);
  const run = await writeBodies(baseUrl, db, timed.bodies, { writers, maxSec: seconds });
  await influxQuery(baseUrl, `DROP DATABASE "${db}"`);
  return { pointsPerSec: run.points / run.sec, points: run.points, sec: run.sec, seriesPassPointsPerSec: created.points / created.sec, writers, batchSize };
}
