import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeInfluxDB } from '../../collector/src/sinks/fake-influxdb.testutil.js';
import { freePort, waitFor } from '../harness/ports.js';
import { type RunningCollector, startCollector } from '../harness/processes.js';
import { RawAgent } from '../harness/raw-agent.js';
import { tempDir } from '../harness/tmp.js';

const SECRET = 'influx-spill-kill-secret-01';
const REPORTS = 40;

/** `used_percent` → how many accepted `mem` lines carry it (RawAgent reports 40 + seq). */
function memCounts(lines: string[], hostId: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (const line of lines) {
    if (!line.startsWith('mem,') || !line.includes(`host_id=${hostId}`)) continue;
    const value = Number(/used_percent=([^ ,]+)/.exec(line)?.[1]);
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return counts;
}

describe('InfluxDB spill across a kill -9 of the collector', () => {
  const tmp = tempDir('influx-spill-kill');
  const running: RunningCollector[] = [];
  let fake: FakeInfluxDB | undefined;

  afterAll(async () => {
    for (const c of running) await c.stop('SIGKILL');
    await fake?.close();
    tmp.remove();
  });

  it('acks reports once spilled; a collector killed mid-drain is restarted and drains everything, no loss, no duplicates', async () => {
    const port = await freePort();
    const config = {
      enroll: { secrets: [SECRET] },
      influx: { url: `http://127.0.0.1:${port}`, database: 'siaga', flushIntervalMs: 20, retries: 1, retryBaseMs: 50, retryMaxMs: 400, timeoutMs: 30_000 },
    };
    // Nothing listens on the InfluxDB port: every write is refused.
    const first = await startCollector(tmp.dir, config, { name: 'collector-1' });
    running.push(first);
    const agent = new RawAgent(first.url, 'ws-spill');
    expect((await agent.enroll(SECRET)).status).toBe(200);
    await agent.connect();
    agent.hello();
    await agent.next((f) => f.type === 'welcome');
    for (let seq = 1; seq <= REPORTS; seq++) agent.report(seq);
    // Acked means durable: InfluxDB is down, so it was fdatasynced in the spill.
    await agent.next((f) => f.type === 'ack' && f.seq === REPORTS, 20_000);
    const spillDir = path.join(tmp.dir, 'collector-data', 'influx-spill');
    const spilledBytes = readdirSync(spillDir).filter((f) => f.endsWith('.spill')).reduce((n, f) => n + statSync(path.join(spillDir, f)).size, 0);
    expect(spilledBytes).toBeGreaterThan(0);
    agent.ws.close();

    // InfluxDB comes back but holds the first drain request open; the collector dies during it.
    fake = await FakeInfluxDB.start(port);
    const fakeDb = fake;
    fakeDb.respond = (_w, n) => (n === 0 ? 'hang' : { status: 204 });
    await waitFor(() => (fakeDb.writes.length >= 1 ? true : undefined), 'the first drain request', 15_000);
    expect(memCounts(fakeDb.writes[0]!.lines, agent.hostId).size).toBeGreaterThan(0);
    await first.stop('SIGKILL');
    expect(fakeDb.accepted()).toEqual([]);

    const second = await startCollector(tmp.dir, config, { name: 'collector-2' });
    running.push(second);
    const counts = await waitFor(() => {
      const c = memCounts(fakeDb.accepted(), agent.hostId);
      return c.size === REPORTS ? c : undefined;
    }, `all ${REPORTS} reports in InfluxDB`, 20_000);
    const expected = Array.from({ length: REPORTS }, (_, i) => 41 + i);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual(expected);
    const duplicates = [...counts.values()].reduce((n, c) => n + c - 1, 0);
    expect(duplicates).toBe(0);
    // Drained segments are gone once InfluxDB took them.
    await waitFor(() => (readdirSync(spillDir).filter((f) => f.endsWith('.spill')).every((f) => statSync(path.join(spillDir, f)).size === 0) ? true : undefined), 'drained segments to be deleted', 10_000);
  });
});
