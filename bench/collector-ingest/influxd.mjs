// A private influxd for the benchmark (Debian's influxdb 1.x): loopback ports, data in the
// benchmark's temp dir, monitoring, reporting and the query log off. Plus the InfluxQL queries
// the benchmark needs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { influxdBinary, influxdConfig } from '../../scripts/influxd.mjs';
import { LoggedChild } from '../lib/processes.mjs';

export function influxdVersion() {
  return spawnSync(influxdBinary(), ['version'], { encoding: 'utf8' }).stdout.trim();
}

/**
 * Starts influxd with its data under `dir`. The series and tag-value caps are lifted: a simulated
 * fleet writes about 50 series per host (15,000 hosts: 735,000 series, 15,000 values of host_id).
 * `nice` > 0 runs it at that lower CPU priority (docs/scaling.md: InfluxDB next to the collector);
 * `walFsyncDelay` lets its WAL gather writes for that long before one fsync.
 */
export async function startInfluxd(dir, { port, rpcPort, nice = 0, walFsyncDelay = '0s' }) {
  const conf = path.join(dir, 'influxdb.conf');
  mkdirSync(dir, { recursive: true });
  writeFileSync(conf, influxdConfig(dir, { port, rpcPort, data: ['max-series-per-database = 0', 'max-values-per-tag = 0', `wal-fsync-delay = "${walFsyncDelay}"`] }));
  const command = [influxdBinary(), '-config', conf];
  if (nice > 0) command.unshift('nice', '-n', String(nice));
  const child = new LoggedChild('influxd', command[0], command.slice(1), { logFile: path.join(dir, 'influxd.log') });
  const url = `http://127.0.0.1:${port}`;
  await child.waitFor(async () => ((await fetch(`${url}/ping`)).status === 204 ? true : undefined), '/ping', 30_000);
  return { child, url, port };
}

/** Runs InfluxQL; returns the `results` array. */
export async function influxQuery(url, q, db) {
  const params = new URLSearchParams({ q, epoch: 'ms' });
  if (db) params.set('db', db);
  const res = await fetch(`${url}/query?${params}`, { method: 'POST' });
  const body = await res.json();
  if (!res.ok || body.error) throw new Error(`InfluxDB query failed (${res.status}): ${body.error ?? JSON.stringify(body).slice(0, 300)}`);
  for (const r of body.results ?? []) if (r.error) throw new Error(`InfluxDB query failed: ${r.error} (${q})`);
  return body.results ?? [];
}

/**
 * Points per host of one measurement since `sinceMs`: `SELECT count(field) ... GROUP BY host_id`.
 * Returns host id → count.
 */
export async function countPerHost(url, db, measurement, field, sinceMs = 0) {
  const [result] = await influxQuery(url, `SELECT count("${field}") FROM "${measurement}" WHERE time >= ${sinceMs}ms GROUP BY "host_id"`, db);
  const counts = new Map();
  for (const s of result?.series ?? []) counts.set(s.tags.host_id, Number(s.values[0]?.[1] ?? 0));
  return counts;
}

/** The newest `siaga_collector` self-metrics sample (counters since the collector started). */
export async function lastSelfMetrics(url, db) {
  const [result] = await influxQuery(url, 'SELECT * FROM "siaga_collector" ORDER BY time DESC LIMIT 1', db);
  const s = result?.series?.[0];
  if (!s) return undefined;
  return Object.fromEntries(s.columns.map((c, i) => [c, s.values[0][i]]));
}

/** Every `siaga_collector` sample since `sinceMs`, oldest first. */
export async function selfMetricsSince(url, db, sinceMs) {
  const [result] = await influxQuery(url, `SELECT * FROM "siaga_collector" WHERE time >= ${sinceMs}ms`, db);
  const s = result?.series?.[0];
  if (!s) return [];
  return s.values.map((v) => Object.fromEntries(s.columns.map((c, i) => [c, v[i]])));
}
