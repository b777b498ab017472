import { isIP } from 'node:net';

/** What one ping run established. Times in milliseconds. */
export interface PingSummary {
  transmitted: number;
  /** Real echo replies from the target (not "destination unreachable" answers from a router). */
  received: number;
  lossPercent: number;
  minMs?: number;
  avgMs?: number;
  maxMs?: number;
  /** The router that answered "destination unreachable", when one did. */
  unreachableFrom?: string;
}

/** What pinging one target gave: a summary, or why nothing could be measured. */
export interface PingOutcome {
  summary?: PingSummary;
  /** Why nothing could be measured (no summary at all). */
  failure?: string;
}

const loss = (transmitted: number, received: number): number => (transmitted > 0 ? Math.round(((transmitted - received) / transmitted) * 10_000) / 100 : 100);

/**
 * iputils, BusyBox and macOS ping (their output is not localized): the "N packets transmitted,
 * M received" summary and the "min/avg/max" line. Routers' "Destination Host Unreachable"
 * answers are not counted as received by these tools; the router's address is kept.
 */
export function parseUnixPing(text: string): PingSummary | undefined {
  const summary = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(text);
  if (!summary) return undefined;
  const transmitted = Number(summary[1]);
  const received = Number(summary[2]);
  const result: PingSummary = { transmitted, received, lossPercent: loss(transmitted, received) };
  const rtt = /min\/avg\/max\S* = ([\d.]+)\/([\d.]+)\/([\d.]+)/.exec(text);
  if (rtt && received > 0) Object.assign(result, { minMs: Number(rtt[1]), avgMs: Number(rtt[2]), maxMs: Number(rtt[3]) });
  // iputils: "From 10.0.0.1 icmp_seq=1 Destination Host Unreachable"; macOS: "92 bytes from name (10.0.0.1): Destination Host Unreachable".
  const unreachable = /^From (\S+?):? .*Unreachable|^\d+ bytes from (?:\S+ \()?([0-9a-f.:]+)\)?: Destination \w+ Unreachable/im.exec(text);
  if (unreachable) result.unreachableFrom = unreachable[1] ?? unreachable[2];
  return result;
}

const ADDRESS = /(?:\d{1,3}\.){3}\d{1,3}|[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}/gi;
/** A measured value after the reply's address: "=32", "=7ms", "<1ms", "= 40 ms". */
const VALUE = /[=<]\s*(\d+)/g;

/** IP addresses in a line; an IPv6 address directly followed by ':' ("von 2a00::1: Zeit=11ms") loses that colon. */
function addresses(line: string): string[] {
  return (line.match(ADDRESS) ?? []).map((a) => (isIP(a) === 0 && a.endsWith(':') ? a.slice(0, -1) : a)).filter((a) => isIP(a) !== 0);
}

/** Three "= n" numbers on one line, in order (Windows prints sent/received/lost and min/max/avg so). */
function threeNumbers(line: string): [number, number, number] | undefined {
  const n = [...line.matchAll(/=\s*(\d+)/g)].map((m) => Number(m[1]));
  return n.length >= 3 && addresses(line).length === 0 ? [n[0]!, n[1]!, n[2]!] : undefined;
}

/**
 * Windows ping in any display language (and in a wrongly decoded code page). Nothing depends on
 * words: the header is the first line, holding the target address ("[216.58.197.142]" when a name
 * was pinged); each following line is one probe. A probe line counts as a reply only when it
 * names the target and carries measured values ("time=7ms", "<1ms") — Windows itself counts
 * "Reply from <router>: Destination host unreachable." as received with 0 % loss, which is wrong
 * for a readiness check. The statistics block is found by shape: a line with three "= n" numbers
 * (sent, received, lost) next to a "(n% ...)" loss, then one with min, max, average.
 */
export function parseWindowsPing(text: string): PingSummary | undefined {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const headerAt = lines.findIndex((l) => l !== '');
  if (headerAt < 0) return undefined;
  const header = lines[headerAt]!;
  const target = /\[([0-9a-f.:]+)\]/i.exec(header)?.[1] ?? addresses(header)[0];

  const countsAt = lines.findIndex((l, i) => i > headerAt && threeNumbers(l) !== undefined);
  let statsStart = countsAt < 0 ? lines.length : countsAt;
  if (countsAt > 0 && lines[countsAt - 1] !== '' && !lines[countsAt - 1]!.includes('=')) statsStart = countsAt - 1;

  let replies = 0;
  let probes = 0;
  let unreachableFrom: string | undefined;
  const times: number[] = [];
  for (const line of lines.slice(headerAt + 1, statsStart)) {
    if (line === '') continue;
    probes++;
    const from = addresses(line)[0];
    const rest = from ? line.slice(line.indexOf(from) + from.length) : '';
    const values = [...rest.matchAll(VALUE)].map((m) => Number(m[1]));
    if (from && values.length > 0 && (!target || from === target)) {
      replies++;
      // IPv4 replies carry bytes, time, TTL; IPv6 replies only the time.
      const time = values.length >= 3 ? values[1]! : values[0]!;
      times.push(rest.includes('<') && time <= 1 ? 0 : time);
    } else if (from) {
      unreachableFrom ??= from;
    }
  }

  const counts = countsAt >= 0 ? threeNumbers(lines[countsAt]!) : undefined;
  if (!counts && probes === 0) return undefined;
  const transmitted = counts?.[0] ?? probes;
  // The statistics are trusted only as far as real replies back them.
  const received = probes > 0 ? Math.min(replies, counts?.[1] ?? replies) : (counts?.[1] ?? 0);
  const result: PingSummary = { transmitted, received, lossPercent: loss(transmitted, received) };
  if (received > 0) {
    const rtt = lines.slice(countsAt + 1).map(threeNumbers).find((n) => n !== undefined);
    if (rtt && countsAt >= 0 && received === counts?.[1]) Object.assign(result, { minMs: rtt[0], maxMs: rtt[1], avgMs: rtt[2] });
    else if (times.length > 0) Object.assign(result, { minMs: Math.min(...times), maxMs: Math.max(...times), avgMs: Math.round(times.reduce((a, b) => a + b, 0) / times.length) });
  }
  if (unreachableFrom && received < transmitted) result.unreachableFrom = unreachableFrom;
  return result;
}
