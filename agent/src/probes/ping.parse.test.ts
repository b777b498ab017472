import { describe, expect, it } from 'vitest';
import { fixtureText, HAVE_FIXTURES } from '../testing/fixtures.testutil.js';
import { parseUnixPing, parseWindowsPing } from './ping.parse.js';

describe.skipIf(!HAVE_FIXTURES)('ping output, golden over the recorded fixtures', () => {
  it.each([
    ['linux/ping-busybox-success.txt', { transmitted: 4, received: 4, lossPercent: 0, minMs: 1.281, avgMs: 1.345, maxMs: 1.408 }],
    ['linux/ping-iputils-c3-success.txt', { transmitted: 3, received: 3, lossPercent: 0, minMs: 2.658, avgMs: 2.996, maxMs: 3.652 }],
    ['linux/ping-iputils-c3-timeout-no-reply.txt', { transmitted: 3, received: 0, lossPercent: 100 }],
    ['linux/ping-iputils-O-timeout-100pct-loss.txt', { transmitted: 5, received: 0, lossPercent: 100 }],
    ['linux/ping-iputils-dest-host-unreachable.txt', { transmitted: 3, received: 0, lossPercent: 100, unreachableFrom: '10.0.0.1' }],
    ['macos/ping-c3-success.txt', { transmitted: 3, received: 3, lossPercent: 0, minMs: 0.05, avgMs: 0.066, maxMs: 0.095 }],
    ['macos/ping-timeout-and-host-unreachable.txt', { transmitted: 8, received: 0, lossPercent: 100, unreachableFrom: '192.168.1.220' }],
  ])('%s', (file, expected) => {
    expect(parseUnixPing(fixtureText(file))).toEqual(expected);
  });

  it.each([
    ['windows/ping-en-success.txt', { transmitted: 4, received: 4, lossPercent: 0, minMs: 548, maxMs: 564, avgMs: 555 }],
    ['windows/ping-de-ipv6-success.txt', { transmitted: 4, received: 4, lossPercent: 0, minMs: 11, maxMs: 18, avgMs: 12 }],
    ['windows/ping-es-success-cp850-mojibake.txt', { transmitted: 1, received: 1, lossPercent: 0, minMs: 1, maxMs: 1, avgMs: 1 }],
    ['windows/ping-fr-legacy-success.txt', { transmitted: 4, received: 4, lossPercent: 0, minMs: 4, maxMs: 40, avgMs: 16 }],
    ['windows/ping-fr-success-loopback.txt', { transmitted: 4, received: 4, lossPercent: 0, minMs: 0, maxMs: 0, avgMs: 0 }],
    ['windows/ping-ja-success.txt', { transmitted: 4, received: 4, lossPercent: 0, minMs: 4, maxMs: 7, avgMs: 5 }],
    ['windows/ping-ru-success.txt', { transmitted: 4, received: 4, lossPercent: 0, minMs: 33, maxMs: 38, avgMs: 35 }],
    ['windows/ping-zh-CN-timeout-100pct-loss.txt', { transmitted: 4, received: 0, lossPercent: 100 }],
    ['windows/ping-zh-TW-success.txt', { transmitted: 4, received: 4, lossPercent: 0, minMs: 2, maxMs: 3, avgMs: 2 }],
    ['windows/ping-zh-TW-loopback-sub1ms.txt', { transmitted: 4, received: 4, lossPercent: 0, minMs: 0, maxMs: 0, avgMs: 0 }],
  ])('%s', (file, expected) => {
    expect(parseWindowsPing(fixtureText(file))).toEqual(expected);
  });

  it('does not count "Reply from <router>: Destination host unreachable" as a reply, although Windows says 0% loss', () => {
    expect(parseWindowsPing(fixtureText('windows/ping-en-dest-host-unreachable-0pct-loss.txt'))).toEqual({
      transmitted: 4,
      received: 0,
      lossPercent: 100,
      unreachableFrom: '192.168.1.69',
    });
  });

  it('counts the probes of an interrupted `ping -t` (no statistics): one timeout among 33 probes', () => {
    const summary = parseWindowsPing(fixtureText('windows/ping-fr-legacy-t-with-timeout-excerpt.txt'));
    expect(summary).toMatchObject({ transmitted: 33, received: 32, lossPercent: 3.03, minMs: 2, maxMs: 46 });
  });
});

describe('ping output, edge cases', () => {
  it('finds no summary when ping failed before sending', () => {
    expect(parseUnixPing('ping: connect: Network is unreachable\n')).toBeUndefined();
    expect(parseWindowsPing('')).toBeUndefined();
  });

  it('reports partial loss with the times of the replies that came', () => {
    const text = [
      'PING 10.1.2.1 (10.1.2.1) 56(84) bytes of data.',
      '64 bytes from 10.1.2.1: icmp_seq=1 ttl=64 time=0.051 ms',
      '',
      '--- 10.1.2.1 ping statistics ---',
      '3 packets transmitted, 1 received, 66.6667% packet loss, time 2030ms',
      'rtt min/avg/max/mdev = 0.051/0.051/0.051/0.000 ms',
    ].join('\n');
    expect(parseUnixPing(text)).toEqual({ transmitted: 3, received: 1, lossPercent: 66.67, minMs: 0.051, avgMs: 0.051, maxMs: 0.051 });
  });

  it('ignores replies from another host than the target on Windows', () => {
    const text = ['Pinging 10.0.0.9 with 32 bytes of data:', 'Reply from 10.0.0.9: bytes=32 time=3ms TTL=64', 'Reply from 10.0.0.1: bytes=32 time=1ms TTL=64', '', 'Ping statistics for 10.0.0.9:', '    Packets: Sent = 2, Received = 2, Lost = 0 (0% loss),'].join('\r\n');
    expect(parseWindowsPing(text)).toEqual({ transmitted: 2, received: 1, lossPercent: 50, minMs: 3, maxMs: 3, avgMs: 3, unreachableFrom: '10.0.0.1' });
  });
});
