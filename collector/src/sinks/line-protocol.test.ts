import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeKey, escapeMeasurement, escapeStringField, lineShape, pointsToLines, pointToLine } from './line-protocol.js';

const T = 1_764_000_000_123;

describe('line protocol serializer', () => {
  it('writes golden lines: tags sorted, numbers as floats, booleans, strings, ms timestamp', () => {
    const cases: Array<[Parameters<typeof pointToLine>[0], string]> = [
      [{ measurement: 'cpu', tags: { host: 'ws-01', cpu: 'cpu-total' }, fields: { usage_idle: 97, usage_user: 1.5 }, time: T }, `cpu,cpu=cpu-total,host=ws-01 usage_idle=97,usage_user=1.5 ${T}`],
      [{ measurement: 'mem', tags: {}, fields: { used_percent: 0 }, time: T }, `mem used_percent=0 ${T}`],
      [{ measurement: 'net', tags: { interface: 'eth0' }, fields: { up: true, wifi: false }, time: T }, `net,interface=eth0 up=true,wifi=false ${T}`],
      [{ measurement: 'siaga_check', tags: { check: 'disk' }, fields: { status: 'fail', reason: 'Disk C: 3% free (needs 10%)' }, time: T }, `siaga_check,check=disk status="fail",reason="Disk C: 3% free (needs 10%)" ${T}`],
      [{ measurement: 'x', tags: {}, fields: { big: 1e21, tiny: 1.5e-7, neg: -0.25 }, time: T + 0.4 }, `x big=1e+21,tiny=1.5e-7,neg=-0.25 ${T}`],
    ];
    for (const [point, line] of cases) expect(pointToLine(point)).toBe(line);
  });

  it('never writes an integer field (no `i` suffix), even for whole numbers', () => {
    const line = pointToLine({ measurement: 'disk', tags: {}, fields: { total: 512_000_000_000, free: 3 }, time: T }) as string;
    expect(line).toBe(`disk total=512000000000,free=3 ${T}`);
    expect(line).not.toMatch(/\di[ ,]/);
  });

  it('escapes per the spec: measurement `,` and space; keys and tag values `,` `=` space; strings `"` and `\\`', () => {
    expect(escapeMeasurement('my meas,x=1')).toBe('my\\ meas\\,x=1');
    expect(escapeKey('a b,c=d')).toBe('a\\ b\\,c\\=d');
    expect(escapeStringField('say "hi" \\o/')).toBe('"say \\"hi\\" \\\\o/"');
    expect(pointToLine({ measurement: 'm m', tags: { 'k 1': 'v,1', site: 'Jakarta HQ=2' }, fields: { 'f=x': 'a"b' }, time: T })).toBe(`m\\ m,k\\ 1=v\\,1,site=Jakarta\\ HQ\\=2 f\\=x="a\\"b" ${T}`);
  });

  it('keeps backslashes inside tag values, drops trailing ones (C:\\ → C:), drops empty tags', () => {
    expect(pointToLine({ measurement: 'disk', tags: { path: 'C:\\', share: '\\\\srv\\data', empty: '' }, fields: { free: 1 }, time: T })).toBe(`disk,path=C:,share=\\\\srv\\data free=1 ${T}`);
  });

  it('turns newlines and control characters into spaces (line protocol cannot carry them)', () => {
    expect(pointToLine({ measurement: 'm', tags: { t: 'a\nb' }, fields: { s: 'line1\nline2\r' }, time: T })).toBe(`m,t=a\\ b s="line1 line2 " ${T}`);
  });

  it('leaves out NaN and infinite values, and a point with no field left', () => {
    expect(pointToLine({ measurement: 'm', tags: {}, fields: { a: Number.NaN, b: 2, c: Infinity }, time: T })).toBe(`m b=2 ${T}`);
    expect(pointToLine({ measurement: 'm', tags: {}, fields: { a: Number.NaN }, time: T })).toBeUndefined();
    expect(pointsToLines([{ measurement: 'm', tags: {}, fields: { a: Number.NaN }, time: T }, { measurement: 'n', tags: {}, fields: { a: 1 }, time: T }])).toEqual([`n a=1 ${T}`]);
  });

  it('reads back the measurement and field types of any line it writes', () => {
    const name = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => /[^\s\\]/.test(s) && !/\\$/.test(s) && !/[\u0000-\u001f\u007f]/.test(s));
    const value = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.string({ maxLength: 20 }));
    fc.assert(
      fc.property(name, fc.dictionary(name, name, { maxKeys: 3 }), fc.dictionary(name, value, { minKeys: 1, maxKeys: 4 }), (measurement, tags, fields) => {
        const line = pointToLine({ measurement, tags, fields, time: T });
        if (line === undefined) return;
        const shape = lineShape(line);
        expect(shape?.measurement).toBe(measurement);
        for (const [key, v] of Object.entries(fields)) {
          expect(shape?.fields.get(key)).toBe(typeof v === 'number' ? 'float' : typeof v);
        }
      }),
    );
  });
});

describe('lineShape', () => {
  it('reads InfluxDB-style lines, integers included', () => {
    const shape = lineShape('m\\,x,t=a\\ b f\\ 1=1i,s="a, b=\\"c\\"",b=t,x=-1.5 1700000000000');
    expect(shape?.measurement).toBe('m,x');
    // In a measurement only `\,` and `\ ` are escapes; InfluxDB keeps `\=` as written.
    expect(lineShape('\\=\\ ,t=a f=1 1700000000000')?.measurement).toBe('\\= ');
    expect([...(shape?.fields ?? [])]).toEqual([
      ['f 1', 'integer'],
      ['s', 'string'],
      ['b', 'boolean'],
      ['x', 'float'],
    ]);
    expect(lineShape('no-fields-here')).toBeUndefined();
  });
});
