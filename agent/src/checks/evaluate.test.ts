import { checkRuleSchema, type Metric } from '@siaga/shared';
import { describe, expect, it } from 'vitest';
import { CheckEvaluator, statusesDiffer } from './evaluate.js';

const diskRule = checkRuleSchema.parse({
  name: 'disk_space',
  description: 'Free space',
  measurement: 'disk',
  field: 'free_percent',
  instanceTag: 'path',
  warn: { op: 'lt', value: 15 },
  fail: { op: 'lt', value: 10 },
  forSec: 60,
  reason: 'Disk {path}: {value}% free (needs {threshold}%)',
  okReason: 'Disk {path}: {value}% free',
  digits: 0,
});
const disk = (path: string, freePercent: number): Metric => ({ m: 'disk', tags: { path }, fields: { free_percent: freePercent } });
const T0 = 1_700_000_000_000;

describe('check evaluation', () => {
  it('judges every instance and says why, holding a failure as a warning until `forSec` has passed', () => {
    const e = new CheckEvaluator();
    expect(e.evaluate([diskRule], [disk('/', 40), disk('/home', 5)], T0)).toEqual([
      { name: 'disk_space', instance: '/', status: 'pass', reason: 'Disk /: 40% free', since: T0, observed: 40, threshold: 15 },
      { name: 'disk_space', instance: '/home', status: 'warn', reason: 'Disk /home: 5% free (needs 10%) (failing for 0 s; counts after 60 s)', since: T0, observed: 5, threshold: 10 },
    ]);
    const later = e.evaluate([diskRule], [disk('/', 40), disk('/home', 5)], T0 + 61_000);
    expect(later[1]).toMatchObject({ status: 'fail', reason: 'Disk /home: 5% free (needs 10%)', since: T0 + 61_000 });
    expect(later[0]).toMatchObject({ status: 'pass', since: T0 });
  });

  it('works out statuses alone when asked (no reasons), and a described pass at the same moment agrees with it', () => {
    const e = new CheckEvaluator();
    const quiet = e.evaluate([diskRule], [disk('/', 40), disk('/home', 5)], T0, false);
    expect(quiet).toEqual([
      { name: 'disk_space', instance: '/', status: 'pass', reason: '', since: T0 },
      { name: 'disk_space', instance: '/home', status: 'warn', reason: '', since: T0 },
    ]);
    const described = e.evaluate([diskRule], [disk('/', 40), disk('/home', 5)], T0);
    expect(described.map((r) => [r.status, r.since])).toEqual(quiet.map((r) => [r.status, r.since]));
    expect(described[1]?.reason).toBe('Disk /home: 5% free (needs 10%) (failing for 0 s; counts after 60 s)');
    expect(statusesDiffer(quiet, described)).toBe(false);
    // Status-only passes keep the failure's start: after `forSec` it fails.
    e.evaluate([diskRule], [disk('/', 40), disk('/home', 5)], T0 + 30_000, false);
    expect(e.evaluate([diskRule], [disk('/', 40), disk('/home', 5)], T0 + 61_000, false)[1]).toMatchObject({ status: 'fail', since: T0 + 61_000 });
  });

  it('sees a changed status, a new instance and a vanished one as a difference', () => {
    const e = new CheckEvaluator();
    const before = e.evaluate([diskRule], [disk('/', 40)], T0, false);
    expect(statusesDiffer(before, e.evaluate([diskRule], [disk('/', 41)], T0 + 1000, false))).toBe(false);
    expect(statusesDiffer(before, e.evaluate([diskRule], [disk('/', 12)], T0 + 2000, false))).toBe(true);
    expect(statusesDiffer(before, e.evaluate([diskRule], [disk('/', 40), disk('/data', 50)], T0 + 3000, false))).toBe(true);
    expect(statusesDiffer(before, e.evaluate([diskRule], [], T0 + 4000, false))).toBe(true);
  });
});

describe('partial evaluation (a watch run)', () => {
  const memRule = checkRuleSchema.parse({ name: 'memory', measurement: 'mem', field: 'available_percent', fail: { op: 'lt', value: 5 }, forSec: 30, reason: 'Memory {value}% available' });
  const mem = (percent: number): Metric => ({ m: 'mem', fields: { available_percent: percent } });

  it('judges only the rules given and keeps what is held for the others', () => {
    const e = new CheckEvaluator();
    // Memory starts failing at T0 (held as a warning for 30 s).
    expect(e.evaluate([diskRule, memRule], [disk('/', 40), mem(2)], T0).map((r) => r.status)).toEqual(['pass', 'warn']);
    // Watch runs of the disk probe alone must not forget when memory started failing.
    expect(e.evaluate([diskRule], [disk('/', 40)], T0 + 10_000, false, true)).toEqual([{ name: 'disk_space', instance: '/', status: 'pass', reason: '', since: T0 }]);
    expect(e.evaluate([diskRule], [disk('/', 39)], T0 + 20_000, false, true)[0]?.status).toBe('pass');
    expect(e.evaluate([diskRule, memRule], [disk('/', 39), mem(2)], T0 + 31_000)[1]).toMatchObject({ status: 'fail', since: T0 + 31_000 });
  });

  it('drops what it held for an instance of a judged rule that is gone', () => {
    const e = new CheckEvaluator();
    e.evaluate([diskRule, memRule], [disk('/', 40), disk('/media/usb', 5), mem(50)], T0);
    e.evaluate([diskRule], [disk('/', 40)], T0 + 1000, false, true);
    // The stick comes back failing: its failure starts again from now, not from T0.
    const back = e.evaluate([diskRule], [disk('/', 40), disk('/media/usb', 5)], T0 + 2000);
    expect(back[1]).toMatchObject({ instance: '/media/usb', status: 'warn', since: T0 + 2000, reason: expect.stringContaining('failing for 0 s') });
  });
});
