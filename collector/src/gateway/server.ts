import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode, LIMITS, reconnectWithinReason } from '@siaga/shared';
import WebSocket, { WebSocketServer } from 'ws';
import type { HostRecord, HostStore } from '../store/hosts.js';
import { ConnectionAdmission } from './admission.js';
import { nodeKeyHash } from './auth.js';
import { AgentConnection, type ConnectionDeps } from './connection.js';
import { IngestBudget } from './ingest-budget.js';
import { DEFAULT_GATEWAY_LIMITS, type GatewayLimits } from './limits.js';
import { KeyedRateLimiter, sourceKey } from './rate-limit.js';
import { pauseReading, resumeReading } from './read-pause.js';
import { guardSocket } from './socket-guard.js';

const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 404: 'Not Found', 429: 'Too Many Requests', 503: 'Service Unavailable' };

/** Answers a refused upgrade with a plain HTTP status and closes the socket. */
function refuse(socket: Duplex, status: number, message: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ error: { message } });
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`,
  );
}

export interface DuplicateInfo {
  /** Source address of the refused newcomer and of the connection that kept the identity. */
  newcomer: string;
  existing: string;
}

export interface GatewayOptions extends ConnectionDeps {
  limits?: GatewayLimits;
  onDuplicate?: (host: HostRecord, info: DuplicateInfo) => void;
}

/** Resolves true when the socket answers a ping within `timeoutMs`. */
function answersPing(ws: WebSocket, timeoutMs: number): Promise<boolean> {
  if (ws.readyState !== WebSocket.OPEN) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      ws.off('pong', onPong);
      resolve(false);
    }, timeoutMs);
    const onPong = () => {
      clearTimeout(timer);
      resolve(true);
    };
    ws.once('pong', onPong);
    ws.ping();
  });
}

/**
 * The heartbeat visits one slice of the connections every 1/SWEEP_SLICES of its interval, each
 * connection once per interval: pinging 15,000 quiet connections in one turn held the event loop
 * for half a second.
 */
const SWEEP_SLICES = 10;

/**
 * The `/v1/agent` WebSocket endpoint. Connection caps and the handshake deadline apply before
 * anything is read; the upgrade rate and the node key are checked before the upgrade, so an
 * unauthenticated client never gets a WebSocket. Keeps the registry of live agent connections.
 */
export class Gateway {
  private readonly wss: WebSocketServer;
  private readonly live = new Map<string, AgentConnection>();
  private readonly heartbeat: NodeJS.Timeout;
  /** Connections that sent a message, a ping or a pong since the last sweep. */
  private readonly heard = new WeakSet<AgentConnection>();
  /** Connections pinged by the last sweep, after a quiet interval. */
  private readonly pinged = new WeakSet<AgentConnection>();
  private readonly slices = Array.from({ length: SWEEP_SLICES }, () => new Set<AgentConnection>());
  private joined = 0;
  private sweeps = 0;
  private readonly limits: GatewayLimits;
  private readonly upgrades: KeyedRateLimiter;
  readonly admission: ConnectionAdmission;
  readonly budget: IngestBudget;

  constructor(
    server: Server,
    private readonly hosts: HostStore,
    private readonly opts: GatewayOptions,
  ) {
    this.limits = opts.limits ?? DEFAULT_GATEWAY_LIMITS;
    this.upgrades = new KeyedRateLimiter(this.limits.handshakeRate, opts.now);
    this.admission = new ConnectionAdmission(this.limits, opts.log, opts.now);
    this.budget = new IngestBudget(this.limits.maxReportsInFlight, this.limits.maxHeldBytes);
    this.admission.attach(server);
    // closeTimeout is a ws option its type definitions do not list yet.
    const closeTimeout = { closeTimeout: this.limits.closeTimeoutMs } as object;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: LIMITS.maxFrameBytes,
      maxFragments: this.limits.maxFragments,
      perMessageDeflate: false,
      clientTracking: false,
      ...closeTimeout,
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    this.heartbeat = setInterval(() => this.sweep(), this.limits.heartbeatIntervalMs / SWEEP_SLICES);
    this.heartbeat.unref();
  }

  connections(): AgentConnection[] {
    return [...this.live.values()];
  }

  connection(hostId: string): AgentConnection | undefined {
    return this.live.get(hostId);
  }

  /**
   * Closes every agent socket, e.g. with 1012 when the collector restarts; the reason asks the
   * fleet to spread its reconnects over N s, at `reconnectRate` agents a second. Returns N.
   */
  closeAll(code: number, why: string): number {
    clearInterval(this.heartbeat);
    const seconds = Math.round(Math.max(10, this.live.size / this.limits.reconnectRate));
    const reason = reconnectWithinReason(why, seconds);
    for (const conn of this.live.values()) conn.close(code, reason);
    return seconds;
  }

  /** Closes the connections of revoked hosts with 4401 (the agent re-enrolls after a long pause). */
  revoked(hostIds: Iterable<string>): void {
    for (const id of hostIds) {
      const conn = this.live.get(id);
      if (!conn) continue;
      this.opts.log.info({ host: id, hostname: conn.host.hostname }, 'host revoked: closing its connection (4401)');
      conn.close(CloseCode.keyInvalid, 'node key revoked');
      setTimeout(() => conn.ws.terminate(), this.limits.closeTimeoutMs).unref();
    }
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/v1/agent') return refuse(socket, 404, 'no WebSocket endpoint here; agents use /v1/agent');
    const source = sourceKey(req.socket.remoteAddress);
    const allowed = this.upgrades.take(source);
    if (!allowed.ok) {
      return refuse(socket, 429, 'too many connection attempts from this address; retry later', { 'Retry-After': String(Math.ceil(allowed.retryAfterMs / 1000)) });
    }
    const hash = nodeKeyHash(req);
    const host = hash ? this.hosts.byNodeKeyHash(hash) : undefined;
    if (!host) return refuse(socket, 401, 'node key missing, unknown or revoked: enroll again');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      // Hold the newcomer's frames until we know whether it may stay.
      pauseReading(ws, 'admission');
      // From the first moment: a protocol error on a socket being admitted or refused must not
      // become an unhandled 'error' event (which would end the process).
      ws.on('error', (err) => this.opts.log.debug({ host: host.id, err: err.message }, 'agent socket error'));
      guardSocket(ws, socket, { limits: this.limits, log: this.opts.log, now: this.opts.now, who: { host: host.id, hostname: host.hostname, source } });
      this.admit(ws, host, req.socket.remoteAddress ?? 'unknown').catch((err: Error) => {
        this.opts.log.error({ host: host.id, err: err.message }, 'agent connection not admitted');
        ws.terminate();
      });
    });
  }

  /**
   * A second socket for a host is either a reconnect after the first one silently died (NAT,
   * sleep) or a duplicate identity. The old socket decides: if it still answers a ping it wins
   * and the newcomer is refused with 4409; otherwise the newcomer replaces it.
   */
  private async admit(ws: WebSocket, host: HostRecord, address: string): Promise<void> {
    const existing = this.live.get(host.id);
    if (existing && (await answersPing(existing.ws, this.limits.duplicateProbeMs))) {
      resumeReading(ws, 'admission');
      ws.close(CloseCode.duplicateIdentity, 'another connection uses this identity');
      const info: DuplicateInfo = { newcomer: address, existing: existing.remoteAddress };
      this.opts.log.warn({ host: host.id, hostname: host.hostname, ...info }, 'duplicate identity: a second live connection with the same node key was refused');
      this.opts.onDuplicate?.(host, info);
      return;
    }
    existing?.ws.terminate();
    if (ws.readyState !== WebSocket.OPEN) return;
    const conn = new AgentConnection(ws, host, {
      ...this.opts,
      maxBufferedBytes: this.limits.maxBufferedBytes,
      budget: this.budget,
      onClose: (c) => {
        if (this.live.get(c.host.id) === c) this.live.delete(c.host.id);
        for (const slice of this.slices) slice.delete(c);
        this.opts.onClose?.(c);
      },
    }, address);
    this.live.set(host.id, conn);
    this.slices[this.joined++ % SWEEP_SLICES]?.add(conn);
    this.heard.add(conn);
    const heard = () => this.heard.add(conn);
    ws.on('message', heard);
    ws.on('ping', heard);
    ws.on('pong', heard);
    resumeReading(ws, 'admission');
  }

  /**
   * Sweeps one slice: pings each of its connections that was quiet either way since its last
   * sweep. One that sent nothing and did not answer the previous ping either is dropped, unless
   * the collector itself stopped reading it (its pong waits unread behind its reports). One that
   * sent frames but was sent none (its acks wait behind a backlog) is pinged so the agent knows
   * the collector is there. An agent reporting every 15 s, acked as often, is never pinged:
   * 15,000 of them cost no heartbeat frames.
   */
  private sweep(): void {
    for (const conn of this.slices[this.sweeps++ % SWEEP_SLICES] ?? []) {
      const heard = this.heard.delete(conn);
      const spoke = conn.spoke;
      conn.spoke = false;
      if (heard) this.pinged.delete(conn);
      else if (this.pinged.has(conn) && !conn.heldBack) {
        this.opts.log.info({ host: conn.host.id, hostname: conn.host.hostname }, 'agent did not answer the heartbeat: dropping its connection');
        conn.ws.terminate();
        continue;
      } else this.pinged.add(conn);
      if (!heard || !spoke) conn.ws.ping();
    }
  }
}
