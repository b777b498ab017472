import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InfluxConfig, parseCollectorConfig } from '../collector/src/config.js';
import { createLogger } from '../collector/src/log.js';
import { InfluxSink } from '../collector/src/sinks/influx.js';
import { pointToLine } from '../collector/src/sinks/line-protocol.js';
import type { Point } from '../collector/src/sinks/types.js';
import { type InfluxServer, type InfluxSeries, startInfluxd } from './harness/influxd.js';
import { tempDir } from './harness/tmp.js';

const T = 1_764_000_000_000;
const log = createLogger('silent');

/** Every point of a database as `measurement|tags|time` → fields. */
async function readBack(influx: InfluxServer, db: string): Promise<Map<string, Record<string, unknown>>> {
  const [result] = await influx.query('SELECT * FROM /.*/ GROUP BY *', db);
  const out = new Map<string, Record<string, unknown>>();
  for (const s of (result?.series ?? []) as InfluxSeries[]) {
    for (const row of s.values) {
      const fields = Object.fromEntries(s.columns.flatMap((c, i) => (c !== 'time' && row[i] !== null ? [[c, row[i]]] : [])));
      out.set(key(s.name, s.tags ?? {}, row[0] as number), fields);
    }
  }
  return out;
}

function key(measurement: string, tags: Record<string, string>, time: number): string {
  const sorted = Object.keys(tags)
    .sort()
    .filter((k) => tags[k] !== '')
    .map((k) => `${k}=${tags[k]}`);
  return JSON.stringify([measurement, sorted, time]);
}

describe('InfluxDB sink against a real influxd 1.6', () => {
  const tmp = tempDir('influx-sink');
  let influx: InfluxServer;
  const sinks: InfluxSink[] = [];

  // Slow writes off: a write then resolves once influxd answered it (split, refused, written), which
  // is what these tests look at, however long a busy machine makes it take.
  const sink = async (database: string, extra: Record<string, unknown> = {}) => {
    const config = parseCollectorConfig({ dataDir: path.join(tmp.dir, database), influx: { url: influx.url, database, flushIntervalMs: 20, spill: { slowWriteMs: 0 }, ...extra } }).influx as InfluxConfig;
    const s = new InfluxSink(config, log, path.join(tmp.dir, database));
    await s.init();
    sinks.push(s);
    return s;
  };
  const deadLetters = (database: string) => {
    const file = path.join(tmp.dir, database, 'influx-dead-letter', 'dead-letter.jsonl');
    return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { identified: boolean; lines: string[] }) : [];
  };

  beforeAll(async () => {
    influx = await startInfluxd();
  });
  afterAll(async () => {
    for (const s of sinks) await s.close();
    await influx?.stop();
    tmp.remove();
  });

  it('round-trips names, tags and strings that need escaping, exactly', async () => {
    const s = await sink('escaping');
    const points: Point[] = [
      { measurement: 'disk', tags: { path: 'C:\\', host: 'ws 01', site: 'Jakarta,HQ', group: 'a=b' }, fields: { free_percent: 3.25, read_only: false }, time: T },
      { measurement: 'my meas,x=1', tags: { 'tag key': 'v\\ x', 'k,=': '\\\\srv\\share' }, fields: { 'field key=1': 1, 'f,2': 'quote " and \\ backslash' }, time: T + 1 },
      { measurement: 'siaga_check', tags: { check: 'erp http' }, fields: { reason: 'ERP https://erp.local/health?x=1: timeout after 5 s', status: 'fail', status_code: 2 }, time: T + 2 },
      { measurement: 'unicode', tags: { host: 'pc-ñandú-東京' }, fields: { note: 'ünïcødé ✓', v: -0.5 }, time: T + 3 },
    ];
    await s.write(points);
    const back = await readBack(influx, 'escaping');
    expect(back.get(key('disk', { path: 'C:', host: 'ws 01', site: 'Jakarta,HQ', group: 'a=b' }, T))).toEqual({ free_percent: 3.25, read_only: false });
    expect(back.get(key('my meas,x=1', { 'tag key': 'v\\ x', 'k,=': '\\\\srv\\share' }, T + 1))).toEqual({ 'field key=1': 1, 'f,2': 'quote " and \\ backslash' });
    expect(back.get(key('siaga_check', { check: 'erp http' }, T + 2))).toEqual({ reason: 'ERP https://erp.local/health?x=1: timeout after 5 s', status: 'fail', status_code: 2 });
    expect(back.get(key('unicode', { host: 'pc-ñandú-東京' }, T + 3))).toEqual({ note: 'ünïcødé ✓', v: -0.5 });
    expect(back.size).toBe(4);
    expect(deadLetters('escaping')).toEqual([]);
  });

  it('round-trips generated points (property: what InfluxDB stores is what was written)', async () => {
    const s = await sink('generated', { batchSize: 10_000 });
    const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }).filter((t) => !/[\u0000-\u001f\u007f]|\\$/.test(t) && t !== 'time' && !t.startsWith('#') && t.trim() === t);
    const value = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? 0 : d)), fc.boolean(), fc.string({ unit: 'grapheme', maxLength: 30 }).filter((t) => !/[\u0000-\u001f\u007f]/.test(t)));
    const pointArb = fc.record({ name: text, tags: fc.dictionary(text, text, { maxKeys: 3 }), fields: fc.dictionary(text, value, { minKeys: 1, maxKeys: 3 }) });
    const generated = fc.sample(pointArb, { numRuns: 150, seed: 20261128 });
    // One measurement per point: two points must not disagree about a field's type.
    const points: Point[] = generated.map((g, i) => ({ measurement: `m${i}_${g.name}`, tags: g.tags, fields: g.fields, time: T + i }));
    await s.write(points);
    const back = await readBack(influx, 'generated');
    const canonical = (fields: Record<string, unknown> | undefined) => JSON.stringify(Object.entries(fields ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)));
    const mismatches = points.filter((p) => canonical(back.get(key(p.measurement, p.tags, p.time))) !== canonical(p.fields));
    expect(mismatches.map((p) => ({ line: pointToLine(p), stored: back.get(key(p.measurement, p.tags, p.time)) }))).toEqual([]);
    expect(back.size).toBe(points.length);
    expect(deadLetters('generated')).toEqual([]);
  });

  it('numbers are always floats: a whole number first, a fraction later, no conflict', async () => {
    const s = await sink('floats');
    await s.write([{ measurement: 'mem', tags: { host: 'a' }, fields: { used_percent: 40 }, time: T }]);
    await s.write([{ measurement: 'mem', tags: { host: 'a' }, fields: { used_percent: 40.5 }, time: T + 1 }]);
    const [keys] = await influx.query('SHOW FIELD KEYS FROM "mem"', 'floats');
    expect(keys?.series?.[0]?.values).toEqual([['used_percent', 'float']]);
    expect(s.stats()).toMatchObject({ pointsWritten: 2, pointsDeadLettered: 0 });
  });

  it("classifies influxd's own 400s: a conflict with the stored type dead-letters just that point", async () => {
    const s = await sink('conflict');
    await s.write([{ measurement: 'cpu', tags: { host: 'a' }, fields: { usage: 1.5 }, time: T }]);
    const good = { measurement: 'cpu', tags: { host: 'b' }, fields: { usage: 2.5 }, time: T + 1 };
    const poison = { measurement: 'cpu', tags: { host: 'c' }, fields: { usage: 'high' }, time: T + 2 };
    await s.write([good, poison]);
    expect(deadLetters('conflict')).toEqual([expect.objectContaining({ identified: true, lines: [pointToLine(poison)] })]);
    const [rows] = await influx.query('SELECT count(usage) FROM "cpu"', 'conflict');
    expect(rows?.series?.[0]?.values[0]?.[1]).toBe(2);
    expect(s.stats()).toMatchObject({ pointsWritten: 2, pointsDeadLettered: 1, errors: { rejected: 1 } });
  });

  it('a conflict inside one batch of new fields (influxd writes nothing) is split until only the poison point is refused', async () => {
    const s = await sink('split');
    const points: Point[] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({ measurement: 'net', tags: { interface: `eth${i}` }, fields: { up: i === 5 ? 'yes' : true }, time: T + i }));
    await s.write(points);
    expect(deadLetters('split').flatMap((d) => d.lines)).toEqual([pointToLine(points[5]!)]);
    const [rows] = await influx.query('SELECT count(up) FROM "net"', 'split');
    expect(rows?.series?.[0]?.values[0]?.[1]).toBe(7);
    expect(s.stats()).toMatchObject({ pointsWritten: 7, pointsDeadLettered: 1 });
  });

  it('a database missing at write time (404) is created and the points written', async () => {
    const s = await sink('late', { createDatabase: false, retryBaseMs: 50, retryMaxMs: 200 });
    await s.write([{ measurement: 'mem', tags: {}, fields: { v: 1 }, time: T }]);
    expect(s.stats()).toMatchObject({ pointsSpilled: 1, errors: { config: 1 } });
    await influx.query('CREATE DATABASE "late"');
    await expect.poll(() => s.stats().pointsDrained, { timeout: 10_000 }).toBe(1);
    const [rows] = await influx.query('SELECT count(v) FROM "mem"', 'late');
    expect(rows?.series?.[0]?.values[0]?.[1]).toBe(1);
  });
});
