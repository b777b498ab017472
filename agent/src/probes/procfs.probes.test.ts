import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { probeContext } from '../testing/probe-context.testutil.js';
import { cpuUsage, parseProcStatCpu } from './cpu.linux.js';
import { createCpuProbe } from './cpu.js';
import { parseMeminfo } from './mem.linux.js';
import { createMemProbe } from './mem.js';
import { parseProcNetDev } from './net.linux.js';
import { createNetProbe } from './net.js';

const isLinux = process.platform === 'linux';
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A fake /proc (and /sys) tree holding the given files. */
function fakeRoot(files: Record<string, string>): string {
  dir = mkdtempSync(path.join(os.tmpdir(), 'siaga-procfs-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const stat = (user: number, nice: number, system: number, idle: number, iowait: number, irq: number, softirq: number, steal: number) =>
  `cpu  ${user} ${nice} ${system} ${idle} ${iowait} ${irq} ${softirq} ${steal} 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\nintr 123\n`;

describe('cpu from /proc/stat', () => {
  it('parses the aggregate line and computes usage over the interval between two readings', () => {
    const before = parseProcStatCpu(stat(1000, 0, 500, 8000, 100, 10, 20, 0));
    const after = parseProcStatCpu(stat(1300, 100, 600, 8400, 50 + 100, 20, 20, 30));
    // Deltas: user 300, nice 100, system 100, idle 400, iowait 50, irq 10, softirq 0, steal 30 → 990 ticks.
    const u = cpuUsage(after, before)!;
    expect(u.usage_idle).toBeCloseTo((400 / 990) * 100, 9);
    expect(u.usage_active).toBeCloseTo((540 / 990) * 100, 9);
    expect(u.usage_user).toBeCloseTo((300 / 990) * 100, 9);
    expect(u.usage_system).toBeCloseTo((100 / 990) * 100, 9);
    expect(u.usage_irq).toBeCloseTo((10 / 990) * 100, 9);
    expect(u.usage_steal).toBeCloseTo((30 / 990) * 100, 9);
    expect(cpuUsage(after, after)).toBeUndefined();
    expect(() => parseProcStatCpu('intr 1 2 3\n')).toThrow(/no aggregate cpu line/);
  });

  it('reports usage since boot first, then since the previous run; a run within the same tick repeats the last answer', async () => {
    const root = fakeRoot({ stat: stat(100, 0, 100, 800, 0, 0, 0, 0) });
    const probe = createCpuProbe(root);
    const ctx = probeContext({ platform: 'linux' });
    const config = probe.configSchema.parse({});
    const first = await probe.collect(ctx, config);
    expect(first[0]).toEqual({ m: 'cpu', tags: { cpu: 'cpu-total' }, fields: { usage_active: 20, usage_user: 10, usage_system: 10, usage_idle: 80, usage_irq: 0, usage_steal: 0 } });
    expect(first[1]).toMatchObject({ m: 'system', fields: { n_cpus: os.availableParallelism() } });
    writeFileSync(path.join(root, 'stat'), stat(190, 0, 110, 800, 0, 0, 0, 0));
    expect((await probe.collect(ctx, config))[0]?.fields).toMatchObject({ usage_active: 100, usage_user: 90, usage_idle: 0 });
    expect((await probe.collect(ctx, config))[0]?.fields).toMatchObject({ usage_active: 100, usage_user: 90 });
  });

  it.skipIf(!isLinux)('reads this machine\'s /proc/stat', async () => {
    const probe = createCpuProbe();
    const [cpu] = await probe.collect(probeContext({ platform: 'linux' }), probe.configSchema.parse({}));
    expect(cpu?.fields.usage_active).toBeGreaterThanOrEqual(0);
    expect(cpu?.fields.usage_active).toBeLessThanOrEqual(100);
    expect(Number(cpu?.fields.usage_active) + Number(cpu?.fields.usage_idle)).toBeLessThanOrEqual(100.02);
  });
});

describe('mem from /proc/meminfo', () => {
  const meminfo = 'MemTotal:       16000000 kB\nMemFree:         2000000 kB\nMemAvailable:    6000000 kB\nBuffers:          100000 kB\nCached:          3000000 kB\nSwapTotal:       2000000 kB\nSwapFree:        1500000 kB\nSReclaimable:     200000 kB\n';

  it('reports available memory and swap in bytes and percent', async () => {
    const probe = createMemProbe(fakeRoot({ meminfo }));
    expect(await probe.collect(probeContext({ platform: 'linux' }), probe.configSchema.parse({}))).toEqual([
      { m: 'mem', fields: { total: 16_384_000_000, available: 6_144_000_000, used: 10_240_000_000, available_percent: 37.5, used_percent: 62.5 } },
      { m: 'swap', fields: { total: 2_048_000_000, used: 512_000_000, free: 1_536_000_000, used_percent: 25 } },
    ]);
  });

  it('estimates available memory on kernels without MemAvailable, and refuses a file without MemTotal', () => {
    expect(parseMeminfo(meminfo.replace(/MemAvailable:.*\n/, '')).available).toBe((2_000_000 + 100_000 + 3_000_000 + 200_000) * 1024);
    expect(() => parseMeminfo('MemFree: 1 kB\n')).toThrow(/MemTotal/);
  });

  it.skipIf(!isLinux)('matches the kernel\'s total on this machine', async () => {
    const probe = createMemProbe();
    const [mem] = await probe.collect(probeContext({ platform: 'linux' }), probe.configSchema.parse({}));
    expect(mem?.fields.total).toBe(os.totalmem());
  });
});

describe('net from /proc/net/dev', () => {
  const dev = [
    'Inter-|   Receive                                                |  Transmit',
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
    '    lo:  270203   38872    0    0    0     0          0         0   270203   38872    0    0    0     0       0          0',
    'enp0s31f6:459513655 10253  3    7    0     0          0         0   579729    6240    1    2    0     0       0          0',
    '',
  ].join('\n');

  it('parses counters, also when a long name touches the numbers', () => {
    expect(parseProcNetDev(dev).get('enp0s31f6')).toEqual({ rxBytes: 459_513_655, rxErrors: 3, rxDropped: 7, txBytes: 579_729, txErrors: 1, txDropped: 2 });
    expect([...parseProcNetDev(dev).keys()]).toEqual(['lo', 'enp0s31f6']);
  });

  it.skipIf(!isLinux)('reports the interfaces holding an address, loopback only when asked, with operstate from sysfs', async () => {
    const names = Object.keys(os.networkInterfaces());
    const lines = names.map((n, i) => `${n}: ${1000 + i} 10 0 0 0 0 0 0 ${2000 + i} 20 0 0 0 0 0 0`);
    const root = fakeRoot({ 'proc/net/dev': ['h1', 'h2', ...lines, 'ghost0: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0', ''].join('\n'), ...Object.fromEntries(names.map((n) => [`sys/class/net/${n}/operstate`, 'up\n'])) });
    const probe = createNetProbe({ proc: path.join(root, 'proc'), sys: path.join(root, 'sys') });
    const ctx = probeContext({ platform: 'linux' });
    const withLo = await probe.collect(ctx, probe.configSchema.parse({ includeLoopback: true }));
    expect(withLo.map((m) => m.tags?.interface)).toEqual(names);
    expect(withLo[0]).toEqual({ m: 'net', tags: { interface: names[0] }, fields: { bytes_recv: 1000, bytes_sent: 2000, err_in: 0, err_out: 0, drop_in: 0, drop_out: 0, up: 1 } });
    const withoutLo = await probe.collect(ctx, probe.configSchema.parse({}));
    expect(withoutLo.map((m) => m.tags?.interface)).toEqual(names.filter((n) => !/^lo\d*$/.test(n)));
  });
});
