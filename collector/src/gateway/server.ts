import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode, LIMITS } from '@siaga/shared';
import WebSocket, { WebSocketServer } from 'ws';
import type { HostRecord, HostStore } from '../store/hosts.js';
import { nodeKeyHash } from './auth.js';
import { AgentConnection, type ConnectionDeps } from './connection.js';

const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 404: 'Not Found', 429: 'Too Many Requests', 503: 'Service Unavailable' };

/** Answers a refused upgrade with a plain HTTP status and closes the socket. */
function refuse(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: { message } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export interface GatewayOptions extends ConnectionDeps {
  /** Ping interval; a peer that misses a pong for a whole interval is dropped. */
  heartbeatMs?: number;
  /** How long an existing connection has to answer a ping before a newcomer replaces it. */
  duplicateProbeMs?: number;
  onDuplicate?: (host: HostRecord) => void;
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
 * The `/v1/agent` WebSocket endpoint. The node key is checked before the upgrade, so an
 * unauthenticated client never gets a WebSocket. Keeps the registry of live agent connections.
 */
export class Gateway {
  private readonly wss: WebSocketServer;
  private readonly live = new Map<string, AgentConnection>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly alive = new WeakSet<AgentConnection>();

  constructor(
    server: Server,
    private readonly hosts: HostStore,
    private readonly opts: GatewayOptions,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: LIMITS.maxFrameBytes, perMessageDeflate: false, clientTracking: false });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    this.heartbeat = setInterval(() => this.sweep(), opts.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
  }

  connections(): AgentConnection[] {
    return [...this.live.values()];
  }

  connection(hostId: string): AgentConnection | undefined {
    return this.live.get(hostId);
  }

  /** Closes every agent socket, e.g. with 1012 when the collector restarts. */
  closeAll(code: number, reason: string): void {
    clearInterval(this.heartbeat);
    for (const conn of this.live.values()) conn.close(code, reason);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/v1/agent') return refuse(socket, 404, 'no WebSocket endpoint here; agents use /v1/agent');
    const hash = nodeKeyHash(req);
    const host = hash ? this.hosts.byNodeKeyHash(hash) : undefined;
    if (!host) return refuse(socket, 401, 'node key missing, unknown or revoked: enroll again');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      // Hold the newcomer's frames until we know whether it may stay.
      ws.pause();
      void this.admit(ws, host);
    });
  }

  /**
   * A second socket for a host is either a reconnect after the first one silently died (NAT,
   * sleep) or a duplicate identity. The old socket decides: if it still answers a ping it wins
   * and the newcomer is refused with 4409; otherwise the newcomer replaces it.
   */
  private async admit(ws: WebSocket, host: HostRecord): Promise<void> {
    const existing = this.live.get(host.id);
    if (existing && (await answersPing(existing.ws, this.opts.duplicateProbeMs ?? 3_000))) {
      ws.resume();
      ws.close(CloseCode.duplicateIdentity, 'another connection uses this identity');
      this.opts.log.warn({ host: host.id, hostname: host.hostname }, 'duplicate identity: a second live connection with the same node key was refused');
      this.opts.onDuplicate?.(host);
      return;
    }
    existing?.ws.terminate();
    if (ws.readyState !== WebSocket.OPEN) return;
    const conn = new AgentConnection(ws, host, {
      ...this.opts,
      onClose: (c) => {
        if (this.live.get(c.host.id) === c) this.live.delete(c.host.id);
        this.opts.onClose?.(c);
      },
    });
    this.live.set(host.id, conn);
    this.alive.add(conn);
    ws.on('pong', () => this.alive.add(conn));
    ws.resume();
  }

  private sweep(): void {
    for (const conn of this.live.values()) {
      if (!this.alive.has(conn)) {
        conn.ws.terminate();
        continue;
      }
      this.alive.delete(conn);
      conn.ws.ping();
    }
  }
}
