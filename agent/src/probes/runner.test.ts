import { describe, expect, it } from 'vitest';
import { probeConfig } from './base.js';
import { ProbeRunner } from './runner.js';
import type { Probe } from './types.js';

const probe = (name: string, measurements: string[], minWatchIntervalMs?: number, collect: Probe['collect'] = async () => []): Probe => ({
  name,
  description: name,
  measurements,
  ...(minWatchIntervalMs === undefined ? {} : { minWatchIntervalMs }),
  defaultEnabled: true,
  configSchema: probeConfig(true, 1_000, {}),
  collect,
});

describe('probe runner', () => {
  const run = async () => ({ stdout: Buffer.alloc(0), stderr: '', code: 0 });

  it('lets a watch re-run the enabled probes writing a watched measurement, no more often than each allows', () => {
    const runner = new ProbeRunner([probe('disk', ['disk']), probe('mem', ['mem'], 5_000), probe('smart', ['smart_device'], Infinity), probe('net', ['net'])], { run, platform: 'linux', now: Date.now });
    runner.configure({});
    const watched = new Set(['disk', 'mem', 'smart_device']);
    const lastRun = new Map([['disk', 10_000], ['mem', 10_000]]);
    expect(runner.watchable(watched, lastRun, 11_000)).toEqual(['disk']);
    expect(runner.watchable(watched, lastRun, 15_000)).toEqual(['disk', 'mem']);
    runner.configure({ disk: { enabled: false }, mem: { watchEveryMs: 1_000 } });
    expect(runner.watchable(watched, lastRun, 11_000)).toEqual(['mem']);
  });

  it('does not offer a probe that is still running', async () => {
    let finish: () => void = () => undefined;
    const slow = probe('ping', ['ping'], 0, () => new Promise((resolve) => (finish = () => resolve([]))));
    const runner = new ProbeRunner([slow], { run, platform: 'linux', now: Date.now });
    runner.configure({});
    const running = runner.collect('ping');
    expect(runner.watchable(new Set(['ping']), new Map(), 1)).toEqual([]);
    finish();
    expect((await running)[0]).toMatchObject({ probe: 'ping', ok: true });
    expect(runner.watchable(new Set(['ping']), new Map(), 1)).toEqual(['ping']);
  });

  it('fails a run that outlasts its timeout and aborts the signal the probe holds', async () => {
    let signal: AbortSignal | undefined;
    const hung = probe('nfs', ['disk'], undefined, (ctx) => {
      signal = ctx.signal;
      return new Promise(() => undefined);
    });
    const runner = new ProbeRunner([hung], { run, platform: 'linux', now: Date.now });
    runner.configure({ nfs: { timeoutMs: 100 } });
    const [outcome] = await runner.collect();
    expect(outcome).toMatchObject({ probe: 'nfs', ok: false, error: 'timed out after 100 ms', metrics: [] });
    expect(signal?.aborted).toBe(true);
  });
});
