import { describe, expect, it } from 'vitest';
import { HostKeyedMap } from './host-keyed-map.js';

describe('HostKeyedMap', () => {
  it("finds a host's keys of one rule, and forgets deleted ones", () => {
    const m = new HostKeyedMap<number>([
      ['h1/host_not_ready/disk//', 1],
      ['h1/host_not_ready/disk_free//home', 2],
      ['h1/host_offline//', 3],
      ['h10/host_not_ready/disk//', 4],
    ]);
    expect(m.keysOf('h1', 'host_not_ready').sort()).toEqual(['h1/host_not_ready/disk//', 'h1/host_not_ready/disk_free//home']);
    expect(m.keysOf('h1', 'host_offline')).toEqual(['h1/host_offline//']);
    expect(m.delete('h1/host_not_ready/disk//')).toBe(true);
    expect(m.delete('h1/host_not_ready/disk//')).toBe(false);
    expect(m.keysOf('h1', 'host_not_ready')).toEqual(['h1/host_not_ready/disk_free//home']);
    expect(m.get('h10/host_not_ready/disk//')).toBe(4);
    expect(m.size).toBe(3);
  });

  it('tells whether a host has a key of a rule, matching the whole rule name', () => {
    const m = new HostKeyedMap<number>([['h1/host_offline//', 1], ['h2/host_not_ready/disk//', 2]]);
    expect(m.hasAny('h1', 'host_offline')).toBe(true);
    expect(m.hasAny('h1', 'host_not_ready')).toBe(false);
    expect(m.hasAny('h1', 'host_off')).toBe(false);
    expect(m.hasAny('h2', 'host_not_ready')).toBe(true);
    expect(m.hasAny('h3', 'host_offline')).toBe(false);
    m.delete('h1/host_offline//');
    expect(m.hasAny('h1', 'host_offline')).toBe(false);
  });

  it('keeps one entry per key when a key is set again, and empties with clear', () => {
    const m = new HostKeyedMap<string>();
    m.set('h2/clock_skew//', 'a').set('h2/clock_skew//', 'b');
    expect(m.keysOf('h2', 'clock_skew')).toEqual(['h2/clock_skew//']);
    expect(m.get('h2/clock_skew//')).toBe('b');
    m.clear();
    expect(m.keysOf('h2', 'clock_skew')).toEqual([]);
    expect(m.size).toBe(0);
  });

  it("files a site's keys under the site", () => {
    const m = new HostKeyedMap<number>([['site:hq/site_outage//', 1]]);
    expect(m.keysOf('site:hq', 'site_outage')).toEqual(['site:hq/site_outage//']);
  });
});
