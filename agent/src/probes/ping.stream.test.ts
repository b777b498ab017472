import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ProcessStarter, startProcess } from '../exec.js';
import { pingProbe } from './ping.js';
import { idleLimitMs, PingStream, PingStreams, RESTART_AFTER_MS, runningPings } from './ping.stream.js';
import type { ProbeContext } from './types.js';

/** A ping that says what the test tells it to, and records how it was started. */
class FakePing extends EventEmitter {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly pid = 4242;
  killed = false;
  unrefs = 0;

  constructor(readonly args: readonly string[]) {
    super();
  }

  say(...lines: string[]): void {
    this.stdout.write(lines.map((l) => `${l}\n`).join(''));
  }

  /** Exits as ping does when it cannot even start (`ping: connect: Network is unreachable`, exit 2). */
  fail(stderr: string, code = 2): void {
    this.stderr.end(stderr);
    this.stdout.end();
    setImmediate(() => this.emit('close', code, null));
  }

  kill(): boolean {
    this.killed = true;
    setImmediate(() => this.emit('close', null, 'SIGTERM'));
    return true;
  }

  unref(): void {
    this.unrefs++;
  }
}

function fakeStarter() {
  const started: FakePing[] = [];
  const start: ProcessStarter = (file, args) => {
    expect(file).toBe('ping');
    const child = new FakePing(args);
    started.push(child);
    return child as unknown as ChildProcess;
  };
  return { start, started, last: () => started.at(-1)! };
}

const tick = () => new Promise((r) => setImmediate(r));
const replies = (from: number, to: number, address = '10.0.0.1') => Array.from({ length: to - from + 1 }, (_, i) => `64 bytes from ${address}: icmp_seq=${from + i} ttl=64 time=0.5 ms`);

afterEach(() => {
  vi.useRealTimers();
});

describe('a long-lived ping', () => {
  it('starts `ping -n -O -i 1 -W s address`, waits for `count` settled requests the first time, then answers at once', async () => {
    const { start, last } = fakeStarter();
    const stream = new PingStream('10.0.0.1', 2, start);
    const first = stream.read(3, 5000);
    await tick();
    const child = last();
    expect(child.args).toEqual(['-n', '-O', '-i', '1', '-W', '2', '10.0.0.1']);
    expect(child.unrefs).toBe(1);
    child.say('PING 10.0.0.1 (10.0.0.1) 56(84) bytes of data.', ...replies(1, 2));
    await tick();
    let settled = false;
    void first.then(() => (settled = true));
    await tick();
    expect(settled).toBe(false);
    child.say('no answer yet for icmp_seq=3');
    expect(await first).toEqual({ summary: { transmitted: 3, received: 2, lossPercent: 33.33, minMs: 0.5, avgMs: 0.5, maxMs: 0.5 } });
    child.say(...replies(4, 6));
    await tick();
    expect(await stream.read(3, 5000)).toEqual({ summary: { transmitted: 3, received: 3, lossPercent: 0, minMs: 0.5, avgMs: 0.5, maxMs: 0.5 } });
    stream.stop();
    expect(child.killed).toBe(true);
  });

  it('waits no longer than allowed, or than the run: then reports what came in', async () => {
    const { start, last } = fakeStarter();
    const stream = new PingStream('10.0.0.1', 1, start);
    const read = stream.read(3, 50);
    await tick();
    last().say(...replies(1, 1));
    expect(await read).toEqual({ summary: { transmitted: 1, received: 1, lossPercent: 0, minMs: 0.5, avgMs: 0.5, maxMs: 0.5 } });
    const silent = new PingStream('10.0.0.2', 1, start);
    const abort = new AbortController();
    const waiting = silent.read(3, 60_000, abort.signal);
    abort.abort();
    expect(await waiting).toEqual({ failure: 'no output from ping within 60 s' });
    stream.stop();
    silent.stop();
  });

  it('no route: reports what ping said, worded as the forked ping is, and starts it again at most every few seconds', async () => {
    const { start, started, last } = fakeStarter();
    const clock = { t: 1_000_000 };
    const stream = new PingStream('10.9.9.9', 1, start, () => clock.t);
    const read = stream.read(3, 5000);
    await tick();
    last().fail('ping: connect: Network is unreachable\n');
    expect(await read).toEqual({ failure: 'connect: Network is unreachable' });
    clock.t += RESTART_AFTER_MS - 1;
    expect(await stream.read(3, 5000)).toEqual({ failure: 'connect: Network is unreachable' });
    expect(started).toHaveLength(1);
    clock.t += 1;
    const again = stream.read(3, 5000);
    await tick();
    expect(started).toHaveLength(2);
    last().say('PING 10.9.9.9 (10.9.9.9) 56(84) bytes of data.', ...replies(1, 3, '10.9.9.9'));
    expect(await again).toMatchObject({ summary: { transmitted: 3, received: 3 } });
    stream.stop();
  });

  it('a ping without -O (BusyBox) is unsupported; no ping at all is missing', async () => {
    const { start, last } = fakeStarter();
    const busybox = new PingStream('10.0.0.1', 1, start);
    const read = busybox.read(3, 5000);
    await tick();
    last().fail("ping: invalid option -- 'n'\nBusyBox v1.36.1 (2023-07-27 17:12:24 UTC) multi-call binary.\n\nUsage: ping [OPTIONS] HOST\n", 1);
    await read;
    expect(busybox.unsupported).toBe(true);

    const none = new PingStream('10.0.0.1', 1, () => {
      const child = new FakePing([]);
      setImmediate(() => child.emit('error', Object.assign(new Error('spawn ping ENOENT'), { code: 'ENOENT' })));
      return child as unknown as ChildProcess;
    });
    expect(await none.read(3, 5000)).toEqual({ failure: 'spawn ping ENOENT' });
    expect(none.missing).toBe(true);
    expect(none.unsupported).toBe(false);
  });

  it('stops itself when no one read it for four of its read spacings (at least a minute)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    expect([idleLimitMs(undefined), idleLimitMs(1000), idleLimitMs(15_000), idleLimitMs(60_000), idleLimitMs(3_600_000)]).toEqual([120_000, 60_000, 60_000, 240_000, 600_000]);
    const { start, last } = fakeStarter();
    const stream = new PingStream('10.0.0.1', 1, start);
    const read = stream.read(1, 5000);
    last().say(...replies(1, 1));
    await read;
    await vi.advanceTimersByTimeAsync(60_000);
    await stream.read(1, 5000);
    await vi.advanceTimersByTimeAsync(239_000);
    expect(stream.stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(stream.stopped).toBe(true);
    expect(last().killed).toBe(true);
  });

  it('one ping per address; one no longer pinged is stopped, one stopped is replaced', async () => {
    const { start, started } = fakeStarter();
    const streams = new PingStreams(start);
    const a = streams.get('10.0.0.1', 1);
    expect(streams.get('10.0.0.1', 1)).toBe(a);
    const b = streams.get('10.0.0.2', 1);
    void a.read(1, 1);
    void b.read(1, 1);
    await tick();
    expect(started).toHaveLength(2);
    streams.keepOnly(new Set(['10.0.0.2']));
    expect([a.stopped, b.stopped]).toEqual([true, false]);
    expect(started[0]!.killed).toBe(true);
    const c = streams.get('10.0.0.2', 2);
    expect(c).not.toBe(b);
    expect(b.stopped).toBe(true);
    c.stop();
  });
});

describe('the ping probe on Linux with iputils', () => {
  const context = (start: ProcessStarter, memo: Map<string, unknown>): ProbeContext => ({
    platform: 'linux',
    memo,
    start,
    now: Date.now,
    signal: new AbortController().signal,
    run: async () => {
      throw new Error('no fork expected');
    },
  });
  const config = (targets: Array<{ name: string; address: string }>) => pingProbe.configSchema.parse({ targets });

  it('reads each target from its own long-lived ping, with the wording of the forked ping', async () => {
    const { start, started } = fakeStarter();
    const memo = new Map<string, unknown>();
    const run = pingProbe.collect(context(start, memo), config([{ name: 'erp', address: '10.5.0.9' }, { name: 'nas', address: '10.5.0.10' }]));
    await tick();
    expect(started.map((c) => c.args.at(-1))).toEqual(['10.5.0.9', '10.5.0.10']);
    started[0]!.say(...replies(1, 3, '10.5.0.9'));
    started[1]!.say('no answer yet for icmp_seq=1', 'no answer yet for icmp_seq=2', 'From 10.5.0.1 icmp_seq=1 Destination Host Unreachable', 'no answer yet for icmp_seq=3');
    const [erp, nas] = await run;
    expect(erp).toEqual({
      m: 'ping',
      tags: { target: 'erp', url: '10.5.0.9' },
      fields: { packets_transmitted: 3, packets_received: 3, percent_packet_loss: 0, result_code: 0, reachable: 1, average_response_ms: 0.5, minimum_response_ms: 0.5, maximum_response_ms: 0.5 },
    });
    expect(nas?.fields).toEqual({ packets_transmitted: 3, packets_received: 0, percent_packet_loss: 100, result_code: 1, reachable: 0, error: 'nas 10.5.0.10 unreachable: 3/3 lost (10.5.0.1 answered "destination unreachable")' });

    // A removed target's ping is stopped at the next run.
    await pingProbe.collect(context(start, memo), config([{ name: 'erp', address: '10.5.0.9' }]));
    expect(started.map((c) => c.killed)).toEqual([false, true]);
    expect(started).toHaveLength(2);
    await pingProbe.collect(context(start, memo), config([]));
    expect(started[0]!.killed).toBe(true);
  });

  it('falls back to forking its ping for good when the long-lived options are refused', async () => {
    const { start, started } = fakeStarter();
    const memo = new Map<string, unknown>();
    const forked: Array<readonly string[]> = [];
    const ctx = {
      ...context(start, memo),
      run: async (_file: string, args: readonly string[]) => {
        forked.push(args);
        return { stdout: Buffer.from('3 packets transmitted, 3 received, 0% packet loss, time 2003ms\nrtt min/avg/max/mdev = 0.040/0.050/0.060/0.010 ms\n'), stderr: '', code: 0 };
      },
    };
    const run = pingProbe.collect(ctx, config([{ name: 'erp', address: '10.5.0.9' }]));
    await tick();
    started[0]!.fail("ping: invalid option -- 'O'\nUsage: ping [OPTION...] HOST ...\n", 64);
    const [erp] = await run;
    expect(erp?.fields).toMatchObject({ packets_received: 3, average_response_ms: 0.05 });
    expect(forked).toEqual([['-n', '-c', '3', '-W', '1', '10.5.0.9']]);
    await pingProbe.collect(ctx, config([{ name: 'erp', address: '10.5.0.9' }]));
    expect(started).toHaveLength(1);
    expect(forked).toHaveLength(2);
  });
});

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(process.platform !== 'linux' || !['/usr/bin/ping', '/bin/ping'].some(existsSync))('the real iputils ping, on loopback only', () => {
  it('sums up replies from 127.0.0.1 and leaves no process behind once stopped', { timeout: 15_000 }, async () => {
    const before = runningPings();
    const stream = new PingStream('127.0.0.1', 1, startProcess);
    const first = await stream.read(3, 8000);
    if (stream.unsupported) return; // BusyBox: the probe forks its ping instead
    expect(first.summary).toMatchObject({ transmitted: 3, received: 3, lossPercent: 0 });
    expect(first.summary?.avgMs).toBeGreaterThan(0);
    const pid = stream.pid!;
    expect(alive(pid)).toBe(true);
    expect(runningPings()).toBe(before + 1);
    await new Promise((r) => setTimeout(r, 1100));
    const t = performance.now();
    expect((await stream.read(3, 8000)).summary).toMatchObject({ transmitted: 3, received: 3 });
    expect(performance.now() - t).toBeLessThan(50);
    stream.stop();
    expect(runningPings()).toBe(before);
    for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
    expect(alive(pid)).toBe(false);
  });
});
