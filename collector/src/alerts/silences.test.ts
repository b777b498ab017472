import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from './engine.testutil.js';
import { matches, matchesAll, matcherSchema } from './matchers.js';
import { newSilenceSchema, silenceStatus } from './silences.js';

const labels = { alertname: 'host_not_ready', hostname: 'WS-014', site: 'hq', check: 'disk_space' };

describe('matchers', () => {
  it('supports =, !=, =~ and !~ with anchored regexes; a missing label is the empty string', () => {
    expect(matches({ name: 'site', op: '=', value: 'hq' }, labels)).toBe(true);
    expect(matches({ name: 'site', op: '!=', value: 'hq' }, labels)).toBe(false);
    expect(matches({ name: 'hostname', op: '=~', value: 'WS-0\\d+' }, labels)).toBe(true);
    expect(matches({ name: 'hostname', op: '=~', value: 'WS-0' }, labels)).toBe(false);
    expect(matches({ name: 'check', op: '!~', value: 'disk_.*' }, labels)).toBe(false);
    expect(matches({ name: 'group', op: '=', value: '' }, labels)).toBe(true);
    expect(matchesAll([{ name: 'site', op: '=', value: 'hq' }, { name: 'check', op: '=', value: 'cpu' }], labels)).toBe(false);
  });

  it('refuses a bad regex naming the field', () => {
    const r = matcherSchema.safeParse({ name: 'hostname', op: '=~', value: '(' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['value']);
  });

  it('a new silence needs matchers, creator, comment and exactly one of endsAt / durationSec', () => {
    expect(newSilenceSchema.safeParse({ matchers: [{ name: 'site', value: 'hq' }], createdBy: 'Ana', comment: 'move', durationSec: 60 }).success).toBe(true);
    expect(newSilenceSchema.safeParse({ matchers: [], createdBy: 'Ana', comment: 'x', durationSec: 60 }).success).toBe(false);
    expect(newSilenceSchema.safeParse({ matchers: [{ name: 'site', value: 'hq' }], createdBy: 'Ana', comment: 'x' }).error?.issues[0]?.path).toEqual(['endsAt']);
    const iso = newSilenceSchema.parse({ matchers: [{ name: 'site', value: 'hq' }], createdBy: 'Ana', comment: 'x', endsAt: '2026-01-05T10:00:00Z' });
    expect(iso.endsAt).toBe(Date.UTC(2026, 0, 5, 10));
  });
});

describe('silence store', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('silences only inside its window, and DELETE expires it early', () => {
    h = new Harness();
    const t = h.clock;
    const s = h.silences.create({ matchers: [{ name: 'site', op: '=', value: 'hq' }], startsAt: t + 10_000, durationSec: 60, createdBy: 'Ana', comment: 'office move' }, t);
    expect(silenceStatus(s, t)).toBe('pending');
    expect(h.silences.silencing(labels, t)).toBeUndefined();
    expect(h.silences.silencing(labels, t + 10_000)?.id).toBe(s.id);
    expect(h.silences.silencing({ ...labels, site: 'branch' }, t + 10_000)).toBeUndefined();
    expect(h.silences.silencing(labels, t + 70_000)).toBeUndefined();
    expect(h.silences.expire(s.id, t + 20_000)).toBe(true);
    expect(h.silences.silencing(labels, t + 20_001)).toBeUndefined();
    expect(h.silences.get(s.id)).toMatchObject({ expiredAt: t + 20_000, endsAt: t + 20_000, createdBy: 'Ana', comment: 'office move' });
    expect(h.silences.expire(s.id, t + 30_000)).toBe(false);
    expect(h.silences.list(t + 30_000).map((x) => x.id)).toEqual([s.id]);
  });
});
