import type { Metric } from '@siaga/shared';
import os from 'node:os';
import { z } from 'zod';
import { flag, probeConfig, round } from './base.js';
import { cleanText, decodeConsole, windowsCodePage } from './console-text.js';
import { readDefaultRoute } from './default-route.js';
import { hostSchema, targetNameSchema, uniqueNames } from './net-config.js';
import { type PingOutcome, parseUnixPing, parseWindowsPing } from './ping.parse.js';
import { PingStreams } from './ping.stream.js';
import type { Probe, ProbeContext } from './types.js';

const configSchema = probeConfig(true, 10_000, {
  /** Echo requests per target (one a second). */
  count: z.number().int().min(1).max(10).default(3),
  /** How long to wait for each reply. */
  replyTimeoutMs: z.number().int().min(100).max(10_000).default(1_000),
  /**
   * Ping the default gateway (the first hop every other check depends on). Off until a policy's
   * `gateway` check turns it on, so an agent without a policy sends nothing beyond the machine.
   */
  gateway: z.boolean().default(false),
  targets: z
    .array(z.object({ name: targetNameSchema.refine((n) => n !== 'gateway', '"gateway" is reserved for the default gateway'), address: hostSchema }).strict())
    .max(16)
    .default([])
    .superRefine(uniqueNames),
}).superRefine((c, ctx) => {
  // Replies come one a second, then the last one is waited for; the probe must outlast that.
  const needed = (c.count - 1) * 1000 + c.replyTimeoutMs + 1000;
  if (c.timeoutMs < needed) ctx.addIssue({ code: 'custom', path: ['timeoutMs'], message: `must be at least ${needed} ms for count ${c.count} and replyTimeoutMs ${c.replyTimeoutMs}` });
});
type PingConfig = typeof configSchema._output;

export type { PingOutcome } from './ping.parse.js';

/** `ping -W`: whole seconds to wait for a reply, at least one. */
const waitSeconds = (replyTimeoutMs: number): number => Math.max(1, Math.ceil(replyTimeoutMs / 1000));

/** The fixed argument vector of the OS's ping for one target (never through a shell). */
export function pingCommand(platform: NodeJS.Platform, address: string, count: number, replyTimeoutMs: number, numericOption = true): { file: string; args: string[] } {
  const wait = String(waitSeconds(replyTimeoutMs));
  if (platform === 'win32') return { file: 'ping.exe', args: ['-n', String(count), '-w', String(replyTimeoutMs), address] };
  if (platform === 'darwin') {
    return { file: '/sbin/ping', args: ['-n', '-c', String(count), '-W', String(replyTimeoutMs), '-t', String(count + Number(wait)), address] };
  }
  // iputils and BusyBox; BusyBox has no -n (it never resolves reply addresses anyway).
  return { file: 'ping', args: [...(numericOption ? ['-n'] : []), '-c', String(count), '-W', wait, address] };
}

/**
 * The long-lived pings of this probe, on Linux with iputils when the agent may start processes;
 * undefined where each run forks its ping (macOS, Windows, BusyBox, one-shot diagnostics).
 */
function pingStreams(ctx: ProbeContext): PingStreams | undefined {
  if (ctx.platform !== 'linux' || !ctx.start || ctx.memo.get('busybox') === true || ctx.memo.get('forkEachRun') === true) return undefined;
  let streams = ctx.memo.get('streams') as PingStreams | undefined;
  if (!streams) ctx.memo.set('streams', (streams = new PingStreams(ctx.start, ctx.now)));
  return streams;
}

/**
 * Pings one target: reads its long-lived ping where there is one, otherwise forks the OS's ping
 * for `count` echo requests. A ping that rejects the long-lived options is forked from then on.
 */
async function ping(ctx: ProbeContext, address: string, config: PingConfig, streams: PingStreams | undefined): Promise<PingOutcome> {
  if (!streams) return forkPing(ctx, address, config);
  const stream = streams.get(address, waitSeconds(config.replyTimeoutMs));
  // The run's own time limit cuts the wait short too; a little before it, report what came in.
  const outcome = await stream.read(config.count, config.timeoutMs - 250, ctx.signal);
  if (stream.missing) throw new Error('ping is not installed (ping)');
  if (!stream.unsupported) return outcome;
  ctx.memo.set('forkEachRun', true);
  stream.stop();
  return forkPing(ctx, address, config);
}

async function forkPing(ctx: ProbeContext, address: string, config: PingConfig): Promise<PingOutcome> {
  const numeric = ctx.memo.get('busybox') !== true;
  const { file, args } = pingCommand(ctx.platform, address, config.count, config.replyTimeoutMs, numeric);
  const r = await ctx.run(file, args, { signal: ctx.signal });
  if (r.code === 127) throw new Error(`ping is not installed (${file})`);
  if (ctx.platform === 'linux' && numeric && r.stdout.length === 0 && /invalid option|unrecognized option/i.test(r.stderr)) {
    ctx.memo.set('busybox', true);
    return forkPing(ctx, address, config);
  }
  const text = ctx.platform === 'win32' ? decodeConsole(r.stdout, await windowsCodePage(ctx.run)) : r.stdout.toString('utf8');
  const summary = ctx.platform === 'win32' ? parseWindowsPing(text) : parseUnixPing(text);
  if (summary && summary.transmitted > 0) return { summary };
  const said = cleanText(`${r.stderr} ${text}`.replace(/^ping:\s*/i, ''), 200);
  return { failure: said || `ping exited with ${r.code}` };
}

/** This machine's own addresses: "unreachable" reported by one of them means ARP got no answer. */
function localAddresses(): Set<string> {
  return new Set(Object.values(os.networkInterfaces()).flatMap((infos) => (infos ?? []).map((i) => i.address)));
}

/** One `ping` point; `error` says in words what went wrong ("gateway 10.1.2.1 unreachable: 3/3 lost"). */
export function pingMetric(target: string, address: string | undefined, label: string, outcome: PingOutcome, local?: ReadonlySet<string>): Metric {
  const tags: Record<string, string> = { target };
  if (address) tags.url = address;
  const s = outcome.summary;
  if (!s) {
    return { m: 'ping', tags, fields: { result_code: 2, reachable: 0, percent_packet_loss: 100, error: `${label}: ${outcome.failure ?? 'ping failed'}` } };
  }
  const fields: Metric['fields'] = {
    packets_transmitted: s.transmitted,
    packets_received: s.received,
    percent_packet_loss: s.lossPercent,
    result_code: s.received > 0 ? 0 : 1,
    reachable: flag(s.received > 0),
  };
  if (s.avgMs !== undefined) fields.average_response_ms = round(s.avgMs, 3);
  if (s.minMs !== undefined) fields.minimum_response_ms = round(s.minMs, 3);
  if (s.maxMs !== undefined) fields.maximum_response_ms = round(s.maxMs, 3);
  const lost = `${s.transmitted - s.received}/${s.transmitted} lost`;
  // The gateway is on the local link, so whoever reports it unreachable is this machine: ARP failed.
  const arp = s.unreachableFrom !== undefined && (target === 'gateway' || (local ?? localAddresses()).has(s.unreachableFrom));
  const via = !s.unreachableFrom ? '' : arp ? ' (no ARP reply on the local network)' : ` (${s.unreachableFrom} answered "destination unreachable")`;
  if (s.received === 0) fields.error = `${label} unreachable: ${lost}${via}`;
  else if (s.received < s.transmitted) fields.error = `${label}: ${lost}`;
  return { m: 'ping', tags, fields };
}

/**
 * Reachability, loss and round-trip time of the default gateway and of configured targets, with
 * the OS's own ping (no raw sockets needed): on Linux with iputils one long-lived ping per target
 * (ping.stream.ts), elsewhere one forked per run. Targets are pinged in parallel.
 */
export const pingProbe: Probe<PingConfig> = {
  name: 'ping',
  description: 'Default gateway and configured hosts: reachable, packet loss, round-trip time',
  measurements: ['ping'],
  // On Linux with iputils a run only reads the window of a long-lived ping, but macOS, Windows
  // and BusyBox still fork a ping per run, which costs the agent more CPU than all its other
  // probes together; and the window (`count` echo requests, one a second) hardly moves faster.
  // So between reports a watching check pings at most every 15 s.
  minWatchIntervalMs: 15_000,
  defaultEnabled: true,
  configSchema,
  async collect(ctx, config) {
    const jobs: Array<Promise<Metric>> = [];
    const streams = pingStreams(ctx);
    const pinged = new Set(config.targets.map((t) => t.address));
    if (config.gateway) {
      const route = await readDefaultRoute(ctx);
      if (route?.gateway) {
        ctx.memo.set('lastGateway', route.gateway);
        pinged.add(route.gateway);
        jobs.push(ping(ctx, route.gateway, config, streams).then((o) => pingMetric('gateway', route.gateway, `gateway ${route.gateway}`, o)));
      } else if (!route) {
        // Cable out, Wi-Fi off, no DHCP lease: say so, naming the gateway this machine last had.
        const last = ctx.memo.get('lastGateway') as string | undefined;
        jobs.push(Promise.resolve(pingMetric('gateway', last, last ? `gateway ${last}` : 'gateway', { failure: 'no default route' })));
      }
      // A default route without a gateway (VPN or PPP point-to-point) has no first hop to ping.
    }
    // A former gateway or target is pinged no more; neither is the gateway while there is no route.
    streams?.keepOnly(pinged);
    for (const t of config.targets) {
      jobs.push(ping(ctx, t.address, config, streams).then((o) => pingMetric(t.name, t.address, `${t.name} ${t.address}`, o)));
    }
    return Promise.all(jobs);
  },
};
