import { describe, expect, it } from 'vitest';
import { parsePingLine, PingWindow } from './ping.window.js';

/** Feeds `ping -n -O` output, line by line, into a fresh window. */
function windowOf(text: string): PingWindow {
  const w = new PingWindow();
  for (const line of text.split('\n')) {
    const parsed = parsePingLine(line);
    if (parsed && 'seq' in parsed) w.record(parsed.seq, parsed.result);
  }
  return w;
}

describe('ping -n -O lines (iputils 20221126)', () => {
  it.each([
    ['PING 10.9.0.5 (10.9.0.5) 56(84) bytes of data.', { header: true }],
    ['PING ::1 (::1) 56 data bytes', { header: true }],
    ['64 bytes from 10.0.0.1: icmp_seq=5 ttl=64 time=0.045 ms', { seq: 5, result: { reply: true, ms: 0.045 } }],
    ['64 bytes from ::1: icmp_seq=2 ttl=64 time=0.030 ms', { seq: 2, result: { reply: true, ms: 0.03 } }],
    ['64 bytes from fe80::1%eth0: icmp_seq=3 ttl=64 time=112 ms', { seq: 3, result: { reply: true, ms: 112 } }],
    ['64 bytes from 10.0.0.1: icmp_seq=5 ttl=64 time=0.045 ms (DUP!)', undefined],
    ['no answer yet for icmp_seq=6', { seq: 6, result: { reply: false } }],
    ['From 10.0.0.2 icmp_seq=7 Destination Host Unreachable', { seq: 7, result: { reply: false, unreachableFrom: '10.0.0.2' } }],
    ['From 10.77.1.1 icmp_seq=8 Destination Net Unreachable', { seq: 8, result: { reply: false, unreachableFrom: '10.77.1.1' } }],
    ['From 10.77.1.1: icmp_seq=8 Destination Net Unreachable', { seq: 8, result: { reply: false, unreachableFrom: '10.77.1.1' } }],
    ['From fd00::1 icmp_seq=1 Destination unreachable: Address unreachable', { seq: 1, result: { reply: false, unreachableFrom: 'fd00::1' } }],
    ['From 10.0.0.254 icmp_seq=9 Time to live exceeded', { seq: 9, result: { reply: false } }],
    ['ping: sendmsg: Network is unreachable', undefined],
    ['', undefined],
  ])('%s', (line, expected) => {
    expect(parsePingLine(line)).toEqual(expected);
  });
});

describe('the window of settled echo requests', () => {
  it('sums up the newest `count` as `ping -c count` would', () => {
    const w = windowOf(
      [
        'PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.',
        '64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.084 ms',
        '64 bytes from 127.0.0.1: icmp_seq=2 ttl=64 time=0.049 ms',
        '64 bytes from 127.0.0.1: icmp_seq=3 ttl=64 time=0.047 ms',
        '64 bytes from 127.0.0.1: icmp_seq=4 ttl=64 time=0.050 ms',
      ].join('\n'),
    );
    expect(w.size).toBe(4);
    expect(w.summary(3)).toEqual({ transmitted: 3, received: 3, lossPercent: 0, minMs: 0.047, avgMs: 0.049, maxMs: 0.05 });
    expect(w.summary(10)).toMatchObject({ transmitted: 4, received: 4, maxMs: 0.084 });
    expect(new PingWindow().summary(3)).toBeUndefined();
  });

  it('a link going down and coming back: lost requests, then replies again', () => {
    const lines = [
      '64 bytes from 10.9.0.5: icmp_seq=1 ttl=64 time=0.042 ms',
      '64 bytes from 10.9.0.5: icmp_seq=2 ttl=64 time=0.067 ms',
      '64 bytes from 10.9.0.5: icmp_seq=3 ttl=64 time=0.070 ms',
      'no answer yet for icmp_seq=4',
      'no answer yet for icmp_seq=5',
    ];
    expect(windowOf(lines.join('\n')).summary(3)).toEqual({ transmitted: 3, received: 1, lossPercent: 66.67, minMs: 0.07, avgMs: 0.07, maxMs: 0.07 });
    lines.push('no answer yet for icmp_seq=6');
    expect(windowOf(lines.join('\n')).summary(3)).toEqual({ transmitted: 3, received: 0, lossPercent: 100 });
    lines.push('From 10.9.0.1 icmp_seq=4 Destination Host Unreachable', 'no answer yet for icmp_seq=7', '64 bytes from 10.9.0.5: icmp_seq=8 ttl=64 time=0.046 ms');
    expect(windowOf(lines.join('\n')).summary(3)).toEqual({ transmitted: 3, received: 1, lossPercent: 66.67, minMs: 0.046, avgMs: 0.046, maxMs: 0.046 });
  });

  it('ARP giving up: "unreachable" may come before or after "no answer yet", and names this machine even while it lags the window', () => {
    // Recorded: a neighbour on the link that never answers ARP.
    const recorded = [
      'PING 10.9.0.5 (10.9.0.5) 56(84) bytes of data.',
      'no answer yet for icmp_seq=1',
      'no answer yet for icmp_seq=2',
      'From 10.9.0.1 icmp_seq=1 Destination Host Unreachable',
      'From 10.9.0.1 icmp_seq=2 Destination Host Unreachable',
      'From 10.9.0.1 icmp_seq=3 Destination Host Unreachable',
      'no answer yet for icmp_seq=3',
      'no answer yet for icmp_seq=4',
      'no answer yet for icmp_seq=5',
    ];
    expect(windowOf(recorded.slice(0, 7).join('\n')).summary(3)).toEqual({ transmitted: 3, received: 0, lossPercent: 100, unreachableFrom: '10.9.0.1' });
    // Seqs 3–5: seq 3 keeps its "unreachable" although "no answer yet" came after it.
    expect(windowOf(recorded.join('\n')).summary(3)).toEqual({ transmitted: 3, received: 0, lossPercent: 100, unreachableFrom: '10.9.0.1' });
    // Seqs 4–6, none answered "unreachable" yet: the one who said it for seq 3 is still named.
    expect(windowOf([...recorded, 'no answer yet for icmp_seq=6'].join('\n')).summary(3)).toEqual({ transmitted: 3, received: 0, lossPercent: 100, unreachableFrom: '10.9.0.1' });
  });

  it('a router gone silent (its ICMP rate limit used up) is still named until something answers', () => {
    // Recorded: the router's link to the target cut after seq 2; the router answers four times, then no more.
    const recorded = [
      '64 bytes from 10.79.3.80: icmp_seq=1 ttl=63 time=0.083 ms',
      '64 bytes from 10.79.3.80: icmp_seq=2 ttl=63 time=0.056 ms',
      ...[3, 4, 5, 6].flatMap((s) => [`From 10.79.1.1 icmp_seq=${s} Destination Net Unreachable`, `no answer yet for icmp_seq=${s}`]),
      ...[7, 8, 9, 10, 11, 12, 13].map((s) => `no answer yet for icmp_seq=${s}`),
    ];
    expect(windowOf(recorded.join('\n')).summary(3)).toEqual({ transmitted: 3, received: 0, lossPercent: 100, unreachableFrom: '10.79.1.1' });
    // Back, then lost again without a word from anyone: an old "unreachable" is not news any more.
    const silent = [...recorded, '64 bytes from 10.79.3.80: icmp_seq=14 ttl=63 time=0.05 ms', ...[15, 16, 17].map((s) => `no answer yet for icmp_seq=${s}`)];
    expect(windowOf(silent.join('\n')).summary(3)).toEqual({ transmitted: 3, received: 0, lossPercent: 100 });
  });

  it('a late reply still counts; news never makes a settled request worse', () => {
    const w = new PingWindow();
    w.record(1, { reply: false });
    w.record(2, { reply: false, unreachableFrom: '10.0.0.1' });
    w.record(1, { reply: true, ms: 1500 });
    w.record(2, { reply: false });
    w.record(1, { reply: false });
    expect(w.summary(2)).toEqual({ transmitted: 2, received: 1, lossPercent: 50, minMs: 1500, avgMs: 1500, maxMs: 1500, unreachableFrom: '10.0.0.1' });
  });

  it('follows the sequence number across its 16-bit wrap, keeping only recent ones', () => {
    const w = new PingWindow();
    for (const seq of [65_533, 65_534, 65_535, 0, 1]) w.record(seq, { reply: seq > 65_534 || seq < 65_000, ms: 1 });
    expect(w.summary(3)).toEqual({ transmitted: 3, received: 3, lossPercent: 0, minMs: 1, avgMs: 1, maxMs: 1 });
    expect(w.summary(4)).toMatchObject({ transmitted: 4, received: 3 });
    // A very late word about a long gone request is dropped.
    w.record(65_500, { reply: true, ms: 9 });
    expect(w.size).toBe(5);
    for (let seq = 2; seq < 40; seq++) w.record(seq, { reply: true, ms: 1 });
    expect(w.size).toBe(16);
  });
});
