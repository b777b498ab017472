import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Server as TlsServer } from 'node:tls';
import type { Logger } from '../log.js';
import type { GatewayLimits } from './limits.js';
import { sourceKey } from './rate-limit.js';

type AdmissionLimits = Pick<GatewayLimits, 'maxConnections' | 'maxConnectionsPerIp' | 'handshakeTimeoutMs'>;

/**
 * Guards the listening socket before any request is read:
 * - caps open TCP connections in total and per source address (counted on the raw socket, so
 *   idle and half-open sockets count too); a socket over the cap is destroyed at once;
 * - drops a connection that sends no request within `handshakeTimeoutMs` (Node's
 *   `headersTimeout` only starts with the first byte of a request).
 */
export class ConnectionAdmission {
  private readonly perSource = new Map<string, number>();
  private total = 0;
  private refused = 0;
  private lastReport = 0;
  private readonly deadlines = new WeakMap<Duplex, NodeJS.Timeout>();
  private secure = false;

  constructor(
    private readonly limits: AdmissionLimits,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  attach(server: Server): void {
    this.secure = server instanceof TlsServer;
    server.on('connection', (socket: Socket) => this.admit(socket));
    // Behind TLS the request arrives on the TLS socket; the TLS handshake has its own deadline.
    if (this.secure) server.on('secureConnection', (socket: Socket) => this.arm(socket));
    server.on('request', (req: IncomingMessage) => this.disarm(req.socket));
    server.on('upgrade', (_req: IncomingMessage, socket: Duplex) => this.disarm(socket));
  }

  /** Open TCP connections right now. */
  get open(): number {
    return this.total;
  }

  private admit(socket: Socket): void {
    const key = sourceKey(socket.remoteAddress);
    const count = this.perSource.get(key) ?? 0;
    if (this.total >= this.limits.maxConnections || count >= this.limits.maxConnectionsPerIp) {
      socket.destroy();
      this.refused += 1;
      this.report(key);
      return;
    }
    this.perSource.set(key, count + 1);
    this.total += 1;
    socket.once('close', () => {
      this.total -= 1;
      const left = (this.perSource.get(key) ?? 1) - 1;
      if (left <= 0) this.perSource.delete(key);
      else this.perSource.set(key, left);
    });
    if (!this.secure) this.arm(socket);
  }

  private arm(socket: Socket): void {
    const timer = setTimeout(() => socket.destroy(), this.limits.handshakeTimeoutMs);
    timer.unref();
    this.deadlines.set(socket, timer);
    socket.once('close', () => clearTimeout(timer));
  }

  private disarm(socket: Duplex): void {
    clearTimeout(this.deadlines.get(socket));
    this.deadlines.delete(socket);
  }

  /** One warning per 10 s at most: a flood must not turn into a log flood. */
  private report(key: string): void {
    const now = this.now();
    if (now - this.lastReport < 10_000) return;
    this.lastReport = now;
    this.log.warn(
      { source: key, refused: this.refused, open: this.total, maxConnections: this.limits.maxConnections, maxConnectionsPerIp: this.limits.maxConnectionsPerIp },
      'connection refused: too many open connections',
    );
    this.refused = 0;
  }
}

/** HTTP(S) server options that drop clients which never finish their request, upgrade or TLS handshake. */
export function serverTimeouts(limits: Pick<GatewayLimits, 'handshakeTimeoutMs'>) {
  const t = limits.handshakeTimeoutMs;
  return {
    headersTimeout: t,
    requestTimeout: Math.max(t, 30_000),
    // Node checks both timeouts on this interval (30 s by default): check often enough to matter.
    connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(t / 2))),
    handshakeTimeout: t,
  };
}
