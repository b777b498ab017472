import type { Duplex } from 'node:stream';
import { CloseCode } from '@siaga/shared';
import WebSocket from 'ws';
import type { Logger } from '../log.js';
import { FrameCounter } from './frame-counter.js';
import type { GatewayLimits } from './limits.js';
import { TokenBucket } from './rate-limit.js';
import { pauseReading, resumeReading } from './read-pause.js';

export interface GuardContext {
  limits: GatewayLimits;
  log: Logger;
  now: () => number;
  /** For log lines: who is on the other end. */
  who: Record<string, unknown>;
}

/** Closes with a policy code and destroys the socket shortly after, whether or not the peer answers. */
export function closeAbusive(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState === WebSocket.OPEN) ws.close(code, reason);
  setTimeout(() => ws.terminate(), 1_000).unref();
}

/**
 * Per-connection rate limits, installed right after the upgrade:
 * - raw frames (data, continuation, ping, pong) beyond `frameRate` close the socket with 1008;
 * - messages beyond `messageRate` pause reading until tokens refill, so TCP pushes back on a
 *   busy but honest agent; a debt beyond a second burst (possible only by packing many
 *   messages into what was already received) closes with 1008.
 */
export function guardSocket(ws: WebSocket, socket: Duplex, ctx: GuardContext): void {
  const { limits, log, now } = ctx;
  const frames = new TokenBucket(limits.frameRate, now());
  const messages = new TokenBucket(limits.messageRate, now());
  const counter = new FrameCounter();
  let resumeTimer: NodeJS.Timeout | undefined;
  let violated = false;

  const violate = (reason: string) => {
    if (violated) return;
    violated = true;
    socket.off('data', onData);
    clearTimeout(resumeTimer);
    log.warn({ ...ctx.who }, `closing agent connection: ${reason} (1008)`);
    closeAbusive(ws, CloseCode.policyViolation, reason);
  };
  const onData = (chunk: Buffer) => {
    const n = counter.push(chunk);
    if (n > 0 && frames.charge(now(), n) < 0) violate(`more than ${limits.frameRate.perSecond} frames per second`);
  };
  // Ahead of ws's own listener: a flood is refused before ws works through it.
  socket.prependListener('data', onData);

  ws.on('message', () => {
    if (violated) return;
    const level = messages.charge(now());
    if (level >= 0) return;
    if (level < -limits.messageRate.burst) return violate(`more than ${limits.messageRate.perSecond} messages per second`);
    if (resumeTimer) return;
    pauseReading(ws, 'rate');
    resumeTimer = setTimeout(() => {
      resumeTimer = undefined;
      if (!violated) resumeReading(ws, 'rate');
    }, messages.waitMs(now()));
  });
  ws.once('close', () => {
    socket.off('data', onData);
    clearTimeout(resumeTimer);
  });
}
