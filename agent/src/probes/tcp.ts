import type { Metric } from '@siaga/shared';
import net from 'node:net';
import { z } from 'zod';
import { flag, probeConfig, round } from './base.js';
import { hostSchema, targetNameSchema, uniqueNames } from './net-config.js';
import { describeNetError, formatSeconds, type NetFailure } from './net-errors.js';
import type { Probe } from './types.js';

const targetSchema = z
  .object({ name: targetNameSchema, host: hostSchema, port: z.number().int().min(1).max(65_535), timeoutMs: z.number().int().min(100).max(60_000).default(3_000) })
  .strict();

const configSchema = probeConfig(true, 10_000, {
  targets: z.array(targetSchema).max(32).default([]).superRefine(uniqueNames),
}).superRefine((c, ctx) => {
  c.targets.forEach((t, i) => {
    if (t.timeoutMs >= c.timeoutMs) ctx.addIssue({ code: 'custom', path: ['targets', i, 'timeoutMs'], message: `must be less than the probe's timeoutMs (${c.timeoutMs})` });
  });
});
type TcpConfig = typeof configSchema._output;

/** Opens (and at once closes) a TCP connection; resolves with the time it took or why it failed. */
export function tcpConnect(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<{ elapsedMs: number; failure?: NetFailure }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = (failure?: NetFailure) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve({ elapsedMs: performance.now() - started, ...(failure ? { failure } : {}) });
    };
    let phase = net.isIP(host) ? 'connecting' : `resolving ${host}`;
    socket.once('lookup', () => (phase = 'connecting'));
    const timeout = () => finish({ kind: 'timeout', message: `timeout after ${formatSeconds(timeoutMs)} (${phase})` });
    const timer = setTimeout(timeout, timeoutMs);
    const onAbort = timeout;
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    socket.once('connect', () => finish());
    socket.once('error', (err) => finish(describeNetError(err, timeoutMs)));
  });
}

/** Result codes of `net_response`: 0 ok, 1 timeout, 2 refused or other error. */
export function tcpMetric(name: string, r: { elapsedMs: number; failure?: NetFailure }): Metric {
  const code = !r.failure ? 0 : r.failure.kind === 'timeout' ? 1 : 2;
  const fields: Metric['fields'] = { response_time_ms: round(r.elapsedMs, 3), result_code: code, ok: flag(code === 0) };
  if (r.failure) fields.error = r.failure.message;
  return { m: 'net_response', tags: { app: name, protocol: 'tcp' }, fields };
}

/** Can a TCP connection be opened to each configured service (database, file server, licence server)? */
export const tcpProbe: Probe<TcpConfig> = {
  name: 'tcp',
  description: 'Configured TCP services: can a connection be opened, and how fast',
  measurements: ['net_response'],
  // A connection to a shared server: a fleet checking every second would be a load test.
  minWatchIntervalMs: 5_000,
  defaultEnabled: true,
  configSchema,
  async collect(ctx, config) {
    return Promise.all(config.targets.map(async (t) => tcpMetric(t.name, await tcpConnect(t.host, t.port, t.timeoutMs, ctx.signal))));
  },
};
