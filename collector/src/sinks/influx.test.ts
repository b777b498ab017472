import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type InfluxConfig, parseCollectorConfig } from '../config.js';
import { createLogger } from '../log.js';
import { FakeInfluxDB } from './fake-influxdb.testutil.js';
import { InfluxSink } from './influx.js';
import { pointToLine } from './line-protocol.js';
import type { Point } from './types.js';

const log = createLogger('silent');
const T = 1_764_000_000_000;
const pt = (m: string, v: number | boolean | string, i = 0): Point => ({ measurement: m, tags: { host: 'ws-01' }, fields: { v }, time: T + i });
const lines = (points: Point[]) => points.map((p) => pointToLine(p) as string);

async function until<T>(probe: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolves to 'pending' if the promise has not settled after a short wait. */
async function state(p: Promise<unknown>, waitMs = 100): Promise<'resolved' | 'rejected' | 'pending'> {
  return Promise.race([p.then(() => 'resolved' as const, () => 'rejected' as const), new Promise<'pending'>((r) => setTimeout(() => r('pending'), waitMs))]);
}

describe('InfluxDB sink against a fake InfluxDB', () => {
  let dir: string;
  let fake: FakeInfluxDB;
  const cleanup: Array<() => Promise<void>> = [];
  const health: Array<[boolean, string | undefined]> = [];

  // Slow writes are off unless a test is about them: their timer would race the retries,
  // timeouts and failures the other tests are about.
  const sink = async (influx: Partial<InfluxConfig> & Record<string, unknown> = {}, url = fake.url, logger = log) => {
    const config = parseCollectorConfig({ dataDir: dir, influx: { url, database: 'siaga', flushIntervalMs: 20, retryBaseMs: 40, retryMaxMs: 300, timeoutMs: 2_000, spill: { slowWriteMs: 0 }, ...influx } }).influx as InfluxConfig;
    const s = new InfluxSink(config, logger, dir);
    s.onHealth = (ok, error) => health.push([ok, error]);
    await s.init();
    cleanup.push(() => s.close());
    return s;
  };
  const deadLetters = () => {
    const file = path.join(dir, 'influx-dead-letter', 'dead-letter.jsonl');
    return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { status: number; identified: boolean; points: number; lines: string[]; error: string }) : [];
  };

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'siaga-influx-sink-'));
    fake = await FakeInfluxDB.start();
    health.length = 0;
  });
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends plain line protocol by default to an InfluxDB on loopback (gzip: auto)', async () => {
    const s = await sink();
    await s.write([pt('cpu', 1)]);
    expect(fake.writes[0]!.headers['content-encoding']).toBeUndefined();
    expect(fake.writes[0]!.lines).toEqual(lines([pt('cpu', 1)]));
  });

  it('204: one gzipped request to /write with precision=ms, the write resolves, counted once', async () => {
    const s = await sink({ token: 'tok-123', gzip: true });
    const points = [pt('cpu', 12.5), pt('mem', 40), pt('net', true), pt('siaga_check', 'fail "x"')];
    await s.write(points);
    expect(fake.writes).toHaveLength(1);
    const [w] = fake.writes;
    expect(Object.fromEntries(w!.query)).toEqual({ db: 'siaga', precision: 'ms' });
    expect(w!.headers['content-encoding']).toBe('gzip');
    expect(w!.headers.authorization).toBe('Token tok-123');
    expect(w!.lines).toEqual(lines(points));
    expect(w!.lines[1]).toBe(`mem,host=ws-01 v=40 ${T}`);
    expect(s.stats()).toMatchObject({ pointsWritten: 4, writeRequests: 1, retries: 0, pointsSpilled: 0, pointsDeadLettered: 0, healthy: true });
    expect(health).toEqual([[true, undefined]]);
  });

  it('batches many writes into one request by size, and sends basic auth for 1.x users', async () => {
    const s = await sink({ batchSize: 6, flushIntervalMs: 60_000, username: 'writer', password: 'pw', retentionPolicy: 'autogen' });
    await Promise.all([0, 1, 2].map((i) => s.write([pt('a', i, i), pt('b', i, i)])));
    expect(fake.writes).toHaveLength(1);
    expect(fake.writes[0]!.lines).toHaveLength(6);
    expect(fake.writes[0]!.query.get('rp')).toBe('autogen');
    expect(fake.writes[0]!.headers.authorization).toBe(`Basic ${Buffer.from('writer:pw').toString('base64')}`);
  });

  it('400 partial write: the named points go to the dead-letter file, the rest counts as written, the write resolves', async () => {
    fake.script({ status: 400, error: 'partial write: field type conflict: input field "v" on measurement "m" is type boolean, already exists as type float dropped=1' });
    const s = await sink();
    const points = [pt('m', 1.5, 0), pt('m', true, 1), pt('n', true, 2)];
    await s.write(points);
    expect(fake.writes).toHaveLength(1);
    expect(deadLetters()).toEqual([expect.objectContaining({ status: 400, identified: true, points: 1, lines: [pointToLine(points[1]!)] })]);
    expect(s.stats()).toMatchObject({ pointsWritten: 2, pointsDeadLettered: 1, pointsSpilled: 0, errors: { rejected: 1, config: 0, transient: 0, tooLarge: 0 } });
    expect(s.stats().spill.backlogPoints).toBe(0);
  });

  it('400 partial write that names no point: the whole batch is kept in the dead-letter file, marked unidentified', async () => {
    fake.script({ status: 400, error: 'partial write: points beyond retention policy dropped=2' });
    const s = await sink();
    const points = [pt('m', 1, 0), pt('m', 2, 1), pt('m', 3, 2)];
    await s.write(points);
    expect(deadLetters()).toEqual([expect.objectContaining({ identified: false, points: 3, lines: lines(points) })]);
    expect(s.stats()).toMatchObject({ pointsWritten: 1, pointsDeadLettered: 2 });
  });

  it('400 field type conflict inside one batch (nothing written): halves until the poison point stands alone', async () => {
    fake.script(
      { status: 400, error: 'field type conflict' },
      { status: 204 },
      { status: 400, error: 'partial write: field type conflict: input field "v" on measurement "m" is type boolean, already exists as type float dropped=1' },
    );
    const s = await sink();
    const points = [pt('m', 1, 0), pt('m', 2, 1), pt('m', true, 2), pt('m', 4, 3)];
    await s.write(points);
    expect(fake.writes.map((w) => w.lines.length)).toEqual([4, 2, 2]);
    expect(deadLetters().flatMap((d) => d.lines)).toEqual([pointToLine(points[2]!)]);
    expect(s.stats()).toMatchObject({ pointsWritten: 3, pointsDeadLettered: 1 });
  });

  it('401: health hook fires at once, the batch is spilled (acked) without dead letter, retried slowly, written when fixed', async () => {
    let fixed = false;
    fake.respond = () => (fixed ? { status: 204 } : { status: 401, error: 'authorization failed' });
    const s = await sink({ retries: 3 });
    const points = [pt('m', 1, 0), pt('m', 2, 1)];
    await s.write(points);
    // Auth errors are not retried on the spot: one request, then the spill.
    expect(fake.writes).toHaveLength(1);
    expect(health[0]).toEqual([false, 'HTTP 401: authorization failed']);
    expect(s.stats()).toMatchObject({ pointsSpilled: 2, spilling: true, healthy: false, errors: { config: 1 } });
    expect(s.stats().spill.backlogPoints).toBe(2);
    await until(() => fake.writes.length >= 3, 'two slow retries from the spill');
    fixed = true;
    await until(() => s.stats().spill.backlogPoints === 0, 'the spill to drain');
    expect(fake.accepted()).toEqual(lines(points));
    expect(health.at(-1)).toEqual([true, undefined]);
    expect(deadLetters()).toEqual([]);
    expect(s.stats()).toMatchObject({ pointsDrained: 2, pointsWritten: 2, spilling: false, healthy: true });
  });

  it('500 twice then 204: retried with backoff and written once', async () => {
    fake.script({ status: 500, error: 'timeout' }, { status: 503 });
    const s = await sink({ retries: 3, retryBaseMs: 100, retryMaxMs: 1_000 });
    const points = [pt('m', 1, 0), pt('m', 2, 1)];
    await s.write(points);
    expect(fake.writes.map((w) => w.status)).toEqual([500, 503, 204]);
    expect(fake.writes.every((w) => w.lines.join() === lines(points).join())).toBe(true);
    // Equal jitter: the first wait is at least half of 100 ms, the second at least half of 200 ms.
    const [a, b, c] = fake.writes.map((w) => w.at) as [number, number, number];
    expect(b - a).toBeGreaterThanOrEqual(45);
    expect(c - b).toBeGreaterThanOrEqual(95);
    expect(fake.accepted()).toEqual(lines(points));
    expect(s.stats()).toMatchObject({ retries: 2, pointsWritten: 2, pointsSpilled: 0, errors: { transient: 2 } });
    expect(health.map((h) => h[0])).toEqual([false, false, true]);
  });

  it('a timeout counts as transient: the hanging request is abandoned and the retry written', async () => {
    fake.script('hang');
    const s = await sink({ timeoutMs: 200, retries: 2 });
    await s.write([pt('m', 1)]);
    expect(fake.writes).toHaveLength(2);
    expect(s.stats()).toMatchObject({ retries: 1, pointsWritten: 1, errors: { transient: 1 } });
    expect(health[0]?.[1]).toMatch(/ETIMEDOUT/);
  });

  it('connection refused: batches are spilled and acked, then drained in order once InfluxDB appears', async () => {
    const port = fake.port;
    await fake.close();
    const s = await sink({ retries: 1, retryBaseMs: 20, retryMaxMs: 100 }, `http://127.0.0.1:${port}`);
    const batches = [0, 1, 2].map((b) => [0, 1, 2].map((i) => pt('m', b * 10 + i, b * 10 + i)));
    for (const b of batches) await s.write(b);
    expect(s.stats()).toMatchObject({ pointsSpilled: 9, pointsWritten: 0, spilling: true, healthy: false });
    expect(s.stats().spill.backlogPoints).toBe(9);
    expect(health[0]?.[1]).toMatch(/ECONNREFUSED/);
    fake = await FakeInfluxDB.start(port);
    await until(() => s.stats().spill.backlogPoints === 0, 'the spill to drain');
    expect(fake.accepted()).toEqual(batches.flatMap(lines));
    expect(fake.writes).toHaveLength(3);
    expect(s.stats()).toMatchObject({ pointsDrained: 9, pointsWritten: 9, spilling: false, healthy: true });
    // New writes go straight to InfluxDB again.
    await s.write([pt('m', 99, 99)]);
    expect(fake.writes).toHaveLength(4);
  });

  it('500 beyond the retries: spilled, then drained; a restarted sink drains what an earlier one spilled', async () => {
    fake.respond = () => ({ status: 500, error: 'engine: cache maximum memory size exceeded' });
    const first = await sink({ retries: 2, retryBaseMs: 20, retryMaxMs: 60 });
    await first.write([pt('m', 1, 0), pt('m', 2, 1)]);
    expect(first.stats()).toMatchObject({ retries: 2, pointsSpilled: 2 });
    await first.close();
    const requestsBefore = fake.writes.length;
    fake.respond = () => ({ status: 204 });
    const second = await sink();
    await until(() => second.stats().spill.backlogPoints === 0, 'the new sink to drain the old spill');
    expect(fake.accepted()).toEqual(lines([pt('m', 1, 0), pt('m', 2, 1)]));
    expect(fake.writes.length).toBe(requestsBefore + 1);
    expect(readdirSync(path.join(dir, 'influx-spill')).filter((f) => f.endsWith('.spill'))).toHaveLength(0);
  });

  it('404 database not found: creates the database, then the spilled points are written', async () => {
    const s = await sink({ createDatabase: true });
    // Created at init (InfluxDB was reachable); now it is gone, as if an operator dropped it.
    expect(fake.queries.filter((q) => /create database "siaga"/i.test(q))).toHaveLength(1);
    fake.queries.length = 0;
    fake.respond = () => (fake.queries.some((q) => /create database "siaga"/i.test(q)) ? { status: 204 } : { status: 404, error: 'database not found: "siaga"' });
    await s.write([pt('m', 1)]);
    await until(() => s.stats().pointsWritten === 1, 'the write after creating the database');
    // The live batch meets the 404 and is spilled; the drain loop's probe meets it too, creates the database, writes.
    expect(fake.writes.map((w) => w.status)).toEqual([404, 404, 204]);
    expect(fake.queries).toHaveLength(1);
    expect(s.stats().spill.backlogPoints).toBe(0);
    expect(deadLetters()).toEqual([]);
  });

  it('413: a body over the limit is split in halves, all written', async () => {
    fake.script({ status: 413, error: 'Request Entity Too Large' });
    const s = await sink();
    const points = [0, 1, 2, 3].map((i) => pt('m', i, i));
    await s.write(points);
    expect(fake.writes.map((w) => w.lines.length)).toEqual([4, 2, 2]);
    expect(fake.accepted()).toEqual(lines(points));
  });

  it('a full spill refuses the write (the agent keeps the report and resends) and says so in a counter', async () => {
    const port = fake.port;
    await fake.close();
    const s = await sink({ retries: 0, batchSize: 20_000, maxPendingPoints: 20_000, spill: { maxBytes: 1024 * 1024, slowWriteMs: 0 } }, `http://127.0.0.1:${port}`);
    // ~100 bytes per line: 12,000 points fill most of the 1 MiB spill.
    const many = Array.from({ length: 12_000 }, (_, i) => ({ measurement: 'm', tags: { host: `ws-${i % 100}`, padding: 'x'.repeat(40) }, fields: { v: i }, time: T + i }));
    await s.write(many);
    expect(s.stats().spill.backlogPoints).toBe(12_000);
    await expect(s.write(many)).rejects.toMatchObject({ code: 'SIAGA_ERR_INFLUX_SPILL_FULL' });
    expect(s.stats()).toMatchObject({ pointsSpilled: 12_000, pointsRefused: 12_000, pendingPoints: 0 });
    fake = await FakeInfluxDB.start(port);
    await until(() => s.stats().spill.backlogPoints === 0, 'the spill to drain');
    await s.write(many);
    expect(fake.accepted()).toHaveLength(24_000);
  });

  it('close waits for a live batch queued behind the drain request in flight, then sends it', async () => {
    const port = fake.port;
    await fake.close();
    const s = await sink({ retries: 0, concurrency: 1, retryBaseMs: 20, retryMaxMs: 100 }, `http://127.0.0.1:${port}`);
    const [a, b, c] = [1, 2, 3].map((i) => [pt('m', i, i)]) as [Point[], Point[], Point[]];
    await s.write(a);
    await s.write(b);
    fake = await FakeInfluxDB.start(port);
    const server = fake;
    server.respond = (_w, n) => (n === 1 ? 'hang' : { status: 204 });
    await until(() => server.writes.length === 2, 'the second drain request');
    const third = s.write(c);
    expect(await state(third)).toBe('pending');
    const closing = s.close();
    expect(await state(closing)).toBe('pending');
    server.release();
    await closing;
    await third;
    expect(server.accepted()).toEqual([...lines(a), ...lines(b), ...lines(c)]);
  });

  it('a batch InfluxDB is slow to confirm is acked from the spill; once InfluxDB takes it the spilled copy is not written again', async () => {
    fake.script('hang');
    const s = await sink({ spill: { slowWriteMs: 100 } });
    const points = [pt('m', 1, 1), pt('m', 2, 2)];
    const written = s.write(points);
    expect(await state(written, 50)).toBe('pending');
    await written; // acked from the spill while InfluxDB still holds the request
    expect(s.stats()).toMatchObject({ pointsSpilledSlow: 2, pointsWritten: 0 });
    expect(s.stats().spill.backlogPoints).toBe(2);
    fake.release();
    await until(() => s.stats().spill.backlogPoints === 0, 'the spilled copy to be skipped');
    await s.close();
    expect(fake.writes).toHaveLength(1);
    expect(fake.accepted()).toEqual(lines(points));
    expect(s.stats()).toMatchObject({ pointsWritten: 2, pointsDrained: 0 });
  });

  it('a spill over a quarter full gets request slots even while live batches always wait for one', async () => {
    fake.respond = () => ({ status: 500 });
    const s = await sink({ concurrency: 1, retries: 0, spill: { maxBytes: 1024 * 1024, slowWriteMs: 0 } });
    // InfluxDB down: 10 batches of 40 points of 1 KB go to the spill (400 KB, over a quarter of 1 MiB).
    const big = 'x'.repeat(1_000);
    for (let b = 0; b < 10; b++) await s.write(Array.from({ length: 40 }, (_, i) => pt('m', big, b * 40 + i)));
    expect(s.stats().spill.backlogPoints).toBe(400);
    // Back, but slow (each request answered within 30 ms) and never without a live batch waiting.
    fake.respond = () => 'hang';
    const answering = setInterval(() => fake.release(), 30);
    let n = 10_000;
    const live = setInterval(() => void s.write([pt('live', n, n++)]), 3);
    try {
      // Without its turn the drain would stop after the probe (40 points), the spill at 400 KB.
      await until(() => s.stats().spill.diskBytes <= (1024 * 1024) / 4, 'the drain bringing the spill down to a quarter while live batches wait', 10_000);
      expect(s.stats().pointsDrained).toBeGreaterThan(40);
    } finally {
      clearInterval(live);
      clearInterval(answering);
    }
    fake.respond = () => ({ status: 204 });
    fake.release();
    await until(() => s.stats().spill.backlogPoints === 0, 'the rest of the drain');
  });

  it("counts the slow-write time from a batch's first points, so batching does not add to it", async () => {
    fake.script('hang');
    const s = await sink({ flushIntervalMs: 2_000, spill: { slowWriteMs: 2_200 } });
    const written = s.write([pt('m', 1, 1)]);
    expect(await state(written, 1_900)).toBe('pending');
    // Formed after 2 s, the batch is acked 2.2 s after its point came, not 2.2 s after forming
    // (4.2 s); the margin is for the spill's fdatasync on a busy machine.
    expect(await state(written, 1_600)).toBe('resolved');
    expect(s.stats()).toMatchObject({ pointsSpilledSlow: 1 });
    fake.release();
  });

  it('a slow batch whose live write then fails is written from the spill', async () => {
    fake.respond = (_w, n) => (n === 0 ? 'hang' : { status: 204 });
    const s = await sink({ retries: 0, timeoutMs: 300, spill: { slowWriteMs: 100 } });
    const points = [pt('m', 1, 1), pt('m', 2, 2), pt('m', 3, 3)];
    await s.write(points);
    expect(s.stats()).toMatchObject({ pointsSpilledSlow: 3 });
    await until(() => s.stats().pointsDrained === 3, 'the drain to write the spilled copy');
    expect(fake.accepted()).toEqual(lines(points));
    expect(s.stats().spill.backlogPoints).toBe(0);
  });

  it('says the spill drained when its last record was a copy InfluxDB took live (skipped, not written by the drain)', async () => {
    const logged: Array<{ msg: string; drained?: number }> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line)) });
    // A hangs until it times out (its copy is written by the drain); B hangs until released (its
    // copy is skipped). B's copy is on disk long before A's 2 s timeout.
    fake.respond = (_w, n) => (n <= 1 ? 'hang' : { status: 204 });
    const s = await sink({ retries: 0, spill: { slowWriteMs: 100 } }, fake.url, logger);
    await s.write([pt('m', 1, 1)]);
    await s.write([pt('m', 2, 2)]);
    await until(() => s.stats().pointsDrained === 1, 'the drain to write the copy of the failed batch');
    expect(s.stats().spill.backlogPoints).toBe(1);
    fake.release();
    await until(() => s.stats().spill.backlogPoints === 0, 'the skipped copy to be consumed');
    await until(() => logged.find((l) => l.msg === 'InfluxDB spill drained'), 'the drained log line');
    expect(logged.filter((l) => l.msg === 'InfluxDB spill drained').map((l) => l.drained)).toEqual([1]);
    expect(fake.accepted()).toEqual(expect.arrayContaining(lines([pt('m', 1, 1), pt('m', 2, 2)])));
  });

  it('a batch waiting for a request slot behind a slow write is acked from the spill and written by the drain once InfluxDB has room', async () => {
    fake.respond = (_w, n) => (n === 0 ? 'hang' : { status: 204 });
    const s = await sink({ concurrency: 1, spill: { slowWriteMs: 100 } });
    const a = [pt('m', 1, 1), pt('m', 2, 2)];
    const b = [pt('m', 3, 3)];
    const first = s.write(a);
    await until(() => fake.writes.length === 1, 'the first request');
    const second = s.write(b);
    await Promise.all([first, second]);
    // Both acked while InfluxDB still holds the first request and the second never left.
    expect(fake.writes).toHaveLength(1);
    expect(s.stats()).toMatchObject({ pointsSpilledSlow: 3, pointsWritten: 0 });
    expect(s.stats().spill.backlogPoints).toBe(3);
    fake.release();
    await until(() => s.stats().spill.backlogPoints === 0, 'the drain');
    expect(fake.accepted()).toEqual([...lines(a), ...lines(b)]);
    expect(s.stats()).toMatchObject({ pointsWritten: 3, pointsDrained: 1 });
  });

  it('beyond spill.slowBacklogPoints a slow batch waits for InfluxDB instead of the spill (intake follows InfluxDB)', async () => {
    fake.respond = (_w, n) => (n === 0 ? 'hang' : { status: 204 });
    const s = await sink({ concurrency: 1, statusHeartbeat: 0, spill: { slowWriteMs: 100, slowBacklogPoints: 2, slowBacklogSec: 0.3 } });
    const first = s.write([pt('m', 1, 1)]);
    await until(() => fake.writes.length === 1, 'the first request');
    // Queued behind the hanging request: the first two batches leave for the spill and are acked.
    await s.write([pt('m', 2, 2)]);
    await s.write([pt('m', 3, 3), pt('m', 4, 4)]);
    await first; // acked from its copy: a copy of a batch being written is not a backlog
    expect(s.stats()).toMatchObject({ spillUnwritten: 3, slowBacklogWaits: 0 });
    // Three points InfluxDB has not taken are over the bound, the oldest for 0.3 s: this one waits for InfluxDB.
    await new Promise((r) => setTimeout(r, 300));
    const held = s.write([pt('m', 5, 5)]);
    expect(await state(held, 400)).toBe('pending');
    expect(s.stats()).toMatchObject({ slowBacklogWaits: 1, spillUnwritten: 3 });
    fake.release();
    await held;
    await until(() => s.stats().spill.backlogPoints === 0, 'the drain');
    expect([...fake.accepted()].sort()).toEqual(lines([1, 2, 3, 4, 5].map((v) => pt('m', v, v))).sort());
    expect(s.stats()).toMatchObject({ spillUnwritten: 0, pointsDrained: 3 });
  });

  it.each([
    ['a backlog InfluxDB is catching up on (younger than slowBacklogSec)', { statusHeartbeat: 0, slowBacklogSec: 60 }],
    ['the burst of the first status heartbeat after start', { statusHeartbeat: 60, slowBacklogSec: 0 }],
  ])('beyond spill.slowBacklogPoints, %s still goes to the spill', async (_what, { statusHeartbeat, slowBacklogSec }) => {
    fake.respond = (_w, n) => (n === 0 ? 'hang' : { status: 204 });
    const s = await sink({ concurrency: 1, statusHeartbeat, spill: { slowWriteMs: 100, slowBacklogPoints: 1, slowBacklogSec } });
    const first = s.write([pt('m', 1, 1)]);
    await until(() => fake.writes.length === 1, 'the first request');
    for (let i = 2; i <= 4; i += 1) await s.write([pt('m', i, i)]);
    await first;
    expect(s.stats()).toMatchObject({ spillUnwritten: 3, slowBacklogWaits: 0 });
    fake.release();
    await until(() => s.stats().spill.backlogPoints === 0, 'the drain');
  });

  it('an outage goes to the spill whatever spill.slowBacklogPoints is', async () => {
    fake.respond = () => ({ status: 503, body: 'down' });
    const s = await sink({ retries: 0, spill: { slowWriteMs: 100, slowBacklogPoints: 1 } });
    await s.write([pt('m', 1, 1), pt('m', 2, 2)]);
    await s.write([pt('m', 3, 3)]);
    expect(s.stats()).toMatchObject({ pointsSpilled: 3, spillUnwritten: 3 });
    fake.respond = () => ({ status: 204 });
    await until(() => s.stats().spill.backlogPoints === 0, 'the drain');
    expect(s.stats().spillUnwritten).toBe(0);
  });

  it('a bad spill.slowWriteMs is refused with its path', () => {
    const parse = (slowWriteMs: unknown) => parseCollectorConfig({ dataDir: dir, influx: { url: fake.url, spill: { slowWriteMs } } });
    expect(() => parse(-1)).toThrow(/influx\.spill\.slowWriteMs/);
    expect(() => parse('soon')).toThrow(/influx\.spill\.slowWriteMs/);
    expect(() => parse(61_000)).toThrow(/influx\.spill\.slowWriteMs/);
    expect(parse(0).influx?.spill.slowWriteMs).toBe(0);
  });

  it('a bad spill.slowBacklogPoints or slowBacklogSec is refused with its path', () => {
    const parse = (spill: Record<string, unknown>) => parseCollectorConfig({ dataDir: dir, influx: { url: fake.url, spill } });
    expect(() => parse({ slowBacklogPoints: -1 })).toThrow(/influx\.spill\.slowBacklogPoints/);
    expect(() => parse({ slowBacklogPoints: 1.5 })).toThrow(/influx\.spill\.slowBacklogPoints/);
    expect(() => parse({ slowBacklogSec: 'long' })).toThrow(/influx\.spill\.slowBacklogSec/);
    expect(() => parse({ slowBacklogSec: 3_601 })).toThrow(/influx\.spill\.slowBacklogSec/);
    expect(parse({}).influx?.spill).toMatchObject({ slowBacklogPoints: 100_000, slowBacklogSec: 15 });
  });

  it('a bad gzip is refused with its path; auto is the default', () => {
    const parse = (gzip: unknown) => parseCollectorConfig({ dataDir: dir, influx: { url: fake.url, gzip } });
    expect(() => parse('yes')).toThrow(/influx\.gzip/);
    expect(() => parse(1)).toThrow(/influx\.gzip/);
    expect(parse(undefined).influx?.gzip).toBe('auto');
    expect(parse(false).influx?.gzip).toBe(false);
  });

  it('with slowWriteMs 0 an ack waits for InfluxDB however long it takes', async () => {
    fake.script('hang');
    const s = await sink({ spill: { slowWriteMs: 0 } });
    const written = s.write([pt('m', 1, 1)]);
    expect(await state(written, 400)).toBe('pending');
    expect(s.stats().spill.backlogPoints).toBe(0);
    fake.release();
    await written;
    expect(s.stats()).toMatchObject({ pointsWritten: 1, pointsSpilledSlow: 0 });
  });

  it('backpressure: beyond maxPendingPoints a write waits (it is not even batched) until InfluxDB answers', async () => {
    fake.script('hang');
    const s = await sink({ batchSize: 5, maxPendingPoints: 10, concurrency: 1, flushIntervalMs: 60_000, timeoutMs: 5_000 });
    const five = (b: number) => [0, 1, 2, 3, 4].map((i) => pt('m', b * 10 + i, b * 10 + i));
    const first = s.write(five(0));
    const second = s.write(five(1));
    const third = s.write([pt('m', 99, 99)]);
    expect(await state(third)).toBe('pending');
    expect(s.stats()).toMatchObject({ pendingPoints: 10, backpressureWaits: 1 });
    expect(fake.writes).toHaveLength(1);
    fake.release();
    await Promise.all([first, second]);
    expect(await state(third)).toBe('pending'); // admitted now, waiting for its batch to fill or age
    await s.close();
    await third;
    expect(fake.accepted()).toEqual([...lines(five(0)), ...lines(five(1)), ...lines([pt('m', 99, 99)])]);
  });
});
