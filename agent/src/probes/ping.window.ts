import type { PingSummary } from './ping.parse.js';

/** The fate of one echo request: a reply (with its time), or lost (a router may have said why). */
export type EchoResult = { reply: true; ms?: number } | { reply: false; unreachableFrom?: string };

/** One line of iputils `ping -n -O` that settles a sequence number, or the header line. */
export type PingLine = { header: true } | { seq: number; result: EchoResult };

const HEADER = /^PING \S+ \(/;
const REPLY = /^\d+ bytes from [^\s]+?: icmp_seq=(\d+)\b(.*)$/;
const NO_ANSWER = /^no answer yet for icmp_seq=(\d+)/;
// A router's ICMP error ("From 10.0.0.1 icmp_seq=7 Destination Net Unreachable") or this
// machine's own when ARP fails ("From 10.0.0.2 icmp_seq=7 Destination Host Unreachable").
const FROM = /^From (\S+?):? icmp_seq=(\d+) (.*)$/;

/**
 * One line of iputils `ping -n -O` output (`LC_ALL=C`; iputils does not translate these):
 *
 *     PING 10.0.0.1 (10.0.0.1) 56(84) bytes of data.
 *     64 bytes from 10.0.0.1: icmp_seq=5 ttl=64 time=0.045 ms
 *     no answer yet for icmp_seq=6
 *     From 10.0.0.2 icmp_seq=7 Destination Host Unreachable
 *
 * Duplicates ("(DUP!)") settle nothing new and are ignored, like anything else.
 */
export function parsePingLine(line: string): PingLine | undefined {
  if (HEADER.test(line)) return { header: true };
  const reply = REPLY.exec(line);
  if (reply) {
    if (reply[2]!.includes('(DUP!)')) return undefined;
    const time = /\btime[=<]([\d.]+) ms/.exec(reply[2]!);
    return { seq: Number(reply[1]), result: time ? { reply: true, ms: Number(time[1]) } : { reply: true } };
  }
  const none = NO_ANSWER.exec(line);
  if (none) return { seq: Number(none[1]), result: { reply: false } };
  const from = FROM.exec(line);
  if (from) return { seq: Number(from[2]), result: /unreachable/i.test(from[3]!) ? { reply: false, unreachableFrom: from[1]! } : { reply: false } };
  return undefined;
}

/** Sequence numbers kept: the largest window (count ≤ 10) plus room for late news about older ones. */
const KEPT = 16;

/**
 * The latest settled echo requests of one long-lived ping, by sequence number. News about a
 * sequence number only ever improves it: "no answer yet" may be followed by the router's
 * "unreachable" (ARP gives up after 3 s) or by a late reply, never the other way round.
 */
export class PingWindow {
  private readonly results = new Map<number, EchoResult>();
  /** Highest sequence number seen, unwrapped (iputils prints it modulo 65536: 18 h at one a second). */
  private highest = -1;
  private lastReply = -1;
  /** The newest "unreachable", by sequence number: who said it. */
  private lastUnreachable: { seq: number; from: string } | undefined;

  record(seq16: number, result: EchoResult): void {
    const seq = this.highest < 0 ? seq16 : this.highest + ((((seq16 - this.highest) % 65_536) + 65_536 + 32_768) % 65_536) - 32_768;
    if (seq <= this.highest - KEPT) return;
    const known = this.results.get(seq);
    if (known && (known.reply || (!result.reply && (known.unreachableFrom !== undefined || result.unreachableFrom === undefined)))) return;
    this.results.set(seq, result);
    if (result.reply) this.lastReply = Math.max(this.lastReply, seq);
    else if (result.unreachableFrom !== undefined && seq >= (this.lastUnreachable?.seq ?? seq)) this.lastUnreachable = { seq, from: result.unreachableFrom };
    if (seq > this.highest) {
      this.highest = seq;
      for (const old of this.results.keys()) if (old <= seq - KEPT) this.results.delete(old);
    }
  }

  /** How many sequence numbers are settled. */
  get size(): number {
    return this.results.size;
  }

  /**
   * The newest `count` settled echo requests as the summary `ping -c count` would print (fewer
   * when fewer are settled; undefined when none is). When all of them were lost, the last router
   * that said "unreachable" is still named as long as nothing answered since: ARP reports its
   * failure 3 s after the request, lagging the window, and routers answer "unreachable" to about
   * one packet a second per host (Linux: `icmp_ratelimit`), which a ping every second soon uses up.
   */
  summary(count: number): PingSummary | undefined {
    const seqs = [...this.results.keys()].sort((a, b) => b - a);
    const window = seqs.slice(0, count);
    if (window.length === 0) return undefined;
    const times: number[] = [];
    let received = 0;
    let unreachableFrom: string | undefined;
    for (const seq of window) {
      const r = this.results.get(seq)!;
      if (r.reply) {
        received++;
        if (r.ms !== undefined) times.push(r.ms);
      } else {
        unreachableFrom ??= r.unreachableFrom;
      }
    }
    if (received === 0 && this.lastUnreachable && this.lastUnreachable.seq > this.lastReply) unreachableFrom ??= this.lastUnreachable.from;
    const transmitted = window.length;
    const result: PingSummary = { transmitted, received, lossPercent: Math.round(((transmitted - received) / transmitted) * 10_000) / 100 };
    if (times.length > 0) {
      // iputils rounds its own min/avg/max to microseconds.
      const avg = Math.round((times.reduce((a, b) => a + b, 0) / times.length) * 1000) / 1000;
      Object.assign(result, { minMs: Math.min(...times), avgMs: avg, maxMs: Math.max(...times) });
    }
    if (unreachableFrom !== undefined) result.unreachableFrom = unreachableFrom;
    return result;
  }
}
