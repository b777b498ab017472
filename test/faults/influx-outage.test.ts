import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { authedFetch } from '../harness/auth.js';
import { type InfluxServer, startInfluxd } from '../harness/influxd.js';
import { waitFor } from '../harness/ports.js';
import { type LoggedProcess, type RunningCollector, startAgent, startCollector } from '../harness/processes.js';
import { RawAgent } from '../harness/raw-agent.js';
import { tempDir } from '../harness/tmp.js';

const SECRET = 'influx-outage-secret-0001';
const DB = 'outage';
const HOSTS = ['ws-out-1', 'ws-out-2', 'ws-out-3'];
// Only cheap probes: three agents reporting every second share two cores with influxd.
// Besides them, a burst of 300 reports × 100 points sent while influxd is down.
const BURST_REPORTS = 300;
const BURST_POINTS = 100;
const OFF = ['backup', 'battery', 'dns', 'http', 'link', 'net', 'ping', 'process', 'service', 'smart', 'tcp', 'temperature', 'wifi'];

interface HostView {
  id: string;
  hostname: string;
  lastSeq: number;
  latestReport: { seq: number; collectedAt: number } | null;
}

async function host(url: string, name: string): Promise<HostView> {
  const list = (await (await authedFetch(`${url}/v1/hosts`)).json()) as { hosts: HostView[] };
  const found = list.hosts.find((h) => h.hostname === name);
  if (!found) throw new Error(`no host ${name}`);
  return (await (await authedFetch(`${url}/v1/hosts/${found.id}`)).json()) as HostView;
}

describe('InfluxDB outage under load (real influxd, collector and agents)', () => {
  const tmp = tempDir('influx-outage');
  let influx: InfluxServer;
  let collector: RunningCollector;
  const agents: LoggedProcess[] = [];

  beforeAll(async () => {
    influx = await startInfluxd();
    const policyFile = path.join(tmp.dir, 'policy.yaml');
    writeFileSync(policyFile, YAML.stringify({ defaults: { interval: '1s', watchInterval: '1s', freshness: '10s' } }));
    collector = await startCollector(tmp.dir, {
      enroll: { secrets: [SECRET] },
      influx: { url: influx.url, database: DB, flushIntervalMs: 50, retries: 2, retryBaseMs: 100, retryMaxMs: 1_000, timeoutMs: 2_000 },
      policyFile,
    });
    const probes = Object.fromEntries(OFF.map((p) => [p, { enabled: false }]));
    for (const name of HOSTS) agents.push(startAgent(tmp.dir, name, { collector: { url: collector.url, enrollSecret: SECRET }, probes }));
  });

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await collector?.stop();
    await influx?.stop();
    tmp.remove();
  });

  it('keeps acking while influxd is down (spill), then every acked report reaches InfluxDB: 0 lost', async () => {
    for (const name of HOSTS) await waitFor(async () => ((await host(collector.url, name)).lastSeq >= 3 ? true : undefined), `${name} reporting`, 40_000, 250);
    const burst = new RawAgent(collector.url, 'ws-burst');
    expect((await burst.enroll(SECRET)).status).toBe(200);
    await burst.connect();
    burst.hello();
    await burst.next((f) => f.type === 'welcome');

    await influx.pause();
    const atOutage = await Promise.all(HOSTS.map((n) => host(collector.url, n)));
    const t0 = Date.now() - 600_000;
    for (let seq = 1; seq <= BURST_REPORTS; seq++) {
      const metrics = Array.from({ length: BURST_POINTS }, (_, i) => ({ m: 'burst', tags: { n: String(i) }, fields: { v: seq, ok: true } }));
      burst.report(seq, { collectedAt: t0 + seq * 10, metrics });
    }
    await burst.next((f) => f.type === 'ack' && f.seq === BURST_REPORTS, 30_000);
    await collector.waitForLog('InfluxDB unusable; points go to the spill until it answers again', 15_000);
    await new Promise((r) => setTimeout(r, 6_000));
    // Reports kept being acked while InfluxDB was down: they went to the collector's spill.
    const duringOutage = await Promise.all(HOSTS.map((n) => host(collector.url, n)));
    duringOutage.forEach((h, i) => expect(h.lastSeq, h.hostname).toBeGreaterThanOrEqual(atOutage[i]!.lastSeq + 4));

    await influx.restart();
    await collector.waitForLog('InfluxDB spill drained', 30_000);
    await new Promise((r) => setTimeout(r, 2_000));

    // Report seq S was collected at C: reports 1..S are exactly those collected at or before C.
    for (const name of HOSTS) {
      const snapshot = await host(collector.url, name);
      const { seq, collectedAt } = snapshot.latestReport!;
      for (const measurement of ['siaga_agent_spool', 'mem']) {
        const count = await waitFor(async () => {
          const [r] = await influx.query(`SELECT count(*) FROM "${measurement}" WHERE host_id = '${snapshot.id}' AND time <= ${collectedAt}ms`, DB);
          const n = Number(r?.series?.[0]?.values[0]?.[1] ?? 0);
          return n >= seq ? n : undefined;
        }, `${seq} ${measurement} points of ${name}`, 20_000, 250).catch(() => -1);
        expect(count, `${measurement} points of ${name} vs acked seq ${seq}`).toBe(seq);
      }
    }

    const burstCount = await waitFor(async () => {
      const [r] = await influx.query(`SELECT count(v) FROM "burst" WHERE host_id = '${burst.hostId}'`, DB);
      const n = Number(r?.series?.[0]?.values[0]?.[1] ?? 0);
      return n >= BURST_REPORTS * BURST_POINTS ? n : undefined;
    }, 'every burst point', 20_000, 250).catch(() => -1);
    expect(burstCount).toBe(BURST_REPORTS * BURST_POINTS);
    burst.ws.close();

    // The collector's own sample tells the story: points spilled and drained, none dead-lettered.
    const self = await waitFor(async () => {
      const [r] = await influx.query('SELECT last(influx_spilled) AS spilled, last(influx_spilled_slow) AS slow, last(influx_drained) AS drained, last(influx_dead_lettered) AS dead, last(influx_spill_backlog) AS backlog FROM "siaga_collector"', DB);
      const row = r?.series?.[0]?.values[0];
      return row && Number(row[3]) > 0 && Number(row[5]) === 0 ? row : undefined;
    }, 'a siaga_collector sample after the drain', 25_000, 500);
    const [, spilled = NaN, slow = NaN, drained = NaN, dead = NaN] = self.map(Number);
    // Batches spilled outright are all drained; of the copies of batches in flight when influxd
    // stopped (acked from the spill after slowWriteMs), those whose live write failed are too.
    expect(spilled + slow).toBeGreaterThan(0);
    expect(drained).toBeGreaterThanOrEqual(spilled);
    expect(drained).toBeLessThanOrEqual(spilled + slow);
    expect(dead).toBe(0);
    // And how long the acks took, the spilled ones waiting on the spill's fdatasync.
    const [times] = await influx.query('SELECT max(report_ack_p99_ms), max(report_ack_max_ms), max(influx_spill_append_p99_ms) FROM "siaga_collector"', DB);
    const [, ackP99, ackMax, spillP99] = (times?.series?.[0]?.values[0] ?? []).map(Number);
    expect(ackP99).toBeGreaterThan(0);
    expect(ackMax).toBeGreaterThanOrEqual(ackP99 as number);
    expect(spillP99).toBeGreaterThan(0);
    // Several phases, each waiting on real processes (reporting, outage, restart, drain, samples).
  }, 120_000);
});
