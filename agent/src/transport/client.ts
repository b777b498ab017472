import { randomBytes } from 'node:crypto';
import {
  type AgentFrameInput,
  type AgentPolicy,
  CloseCode,
  type CommandFrame,
  type CommandResultFrame,
  enrollResponseSchema,
  type HostIdentity,
  type Labels,
  LIMITS,
  type OsInfo,
  parseCollectorFrame,
  PROTOCOL_VERSION,
  reconnectWithinMs,
  type UpdateOffer,
} from '@siaga/shared';
import WebSocket from 'ws';
import type { Logger } from '../log.js';
import type { ReportSpool } from '../spool/types.js';
import type { StateFile } from '../state.js';
import { Backoff } from './backoff.js';
import { postJson } from './http.js';
import { planReconnect } from './reconnect.js';
import { describeCertificateError } from './trust.js';
import type { CollectorUrls } from './urls.js';

export interface ClientOptions {
  urls: CollectorUrls;
  /** CAs to trust for the collector's certificate (defaults plus collector.caFile); Node's defaults when absent. */
  ca?: string[] | Buffer;
  agentVersion: string;
  identity: () => HostIdentity;
  os: OsInfo;
  labels: Labels;
  state: StateFile;
  enrollSecret: () => string | undefined;
  spool: ReportSpool;
  log: Logger;
  /** Reports sent but not yet acknowledged, at most. */
  window?: number;
  /** A collector silent this long is pinged; no answer within this long again and it is taken for gone (reconnect). */
  heartbeatMs?: number;
  /** Backoff after the collector refused the node key (4401): long, so a revoked fleet stays quiet. */
  revokedBackoffMs?: number;
  /** Randomness for reconnect spreads (tests pin it). */
  random?: () => number;
  onPolicy: (policy: AgentPolicy) => void;
  /** The collector said welcome; it holds the inventory with this hash (if any). */
  onWelcome?: (inventoryHash: string | undefined) => void;
  /** The collector offers a build to run (in `welcome` and `policy`). */
  onUpdate?: (offer: UpdateOffer) => void;
  onCommand: (command: CommandFrame) => Promise<Omit<CommandResultFrame, 'v' | 'type' | 'id'>>;
  onStatus?: (status: ConnectionStatus) => void;
}

export type ConnectionStatus = 'connecting' | 'online' | 'offline';

/**
 * The agent's side of the wire: enrolls when it has no node key, keeps one WebSocket open,
 * sends hello, streams spooled reports within an ack window and reconnects with full-jitter
 * backoff. It never throws into the caller: every failure becomes a reconnect.
 */
export class CollectorClient {
  private ws: WebSocket | undefined;
  private welcomed = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly backoff = new Backoff(1_000, 60_000);
  /** Highest seq the collector acknowledged. */
  private ackedSeq = 0;
  /** Highest seq sent on the current connection. */
  private sentSeq = 0;
  private readonly window: number;

  constructor(private readonly opts: ClientOptions) {
    this.window = opts.window ?? 16;
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  /** True once the collector said welcome on the current connection. */
  get online(): boolean {
    return this.welcomed;
  }

  /** Called after a report was spooled: sends it now if the window allows. */
  pump(): void {
    const ws = this.ws;
    if (!ws || !this.welcomed || ws.readyState !== WebSocket.OPEN) return;
    const room = this.window - Math.max(0, this.sentSeq - this.ackedSeq);
    if (room <= 0) return;
    for (const r of this.opts.spool.after(Math.max(this.sentSeq, this.ackedSeq), room)) {
      ws.send(r.frame);
      this.sentSeq = r.seq;
    }
  }

  /** Says goodbye (shutdown, sleep, update) so the collector expects the silence, then closes. */
  async stop(reason: 'shutdown' | 'sleep' | 'restart' | 'update' | 'uninstall' = 'shutdown'): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const ws = this.ws;
    if (!ws) return;
    if (ws.readyState === WebSocket.OPEN) {
      await new Promise<void>((resolve) => {
        ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'goodbye', reason, sentAt: Date.now() }), () => resolve());
      });
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      ws.close(CloseCode.normal, reason);
      await Promise.race([closed, new Promise((r) => setTimeout(r, 2_000).unref())]);
    }
    ws.terminate();
  }

  /** Sends a frame that is not spooled (inventory): only while connected. */
  sendFrame(frame: AgentFrameInput): void {
    if (this.welcomed) this.send(frame);
  }

  private send(frame: AgentFrameInput): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  private schedule(delayMs: number, why: string): void {
    if (this.stopped) return;
    this.opts.onStatus?.('offline');
    this.opts.log.info({ delayMs, why }, 'reconnecting later');
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), delayMs);
  }

  private async enroll(): Promise<boolean> {
    const secret = this.opts.enrollSecret();
    if (!secret) {
      this.opts.log.error('no node key and no enroll secret: set collector.enrollSecret or collector.enrollSecretFile');
      return false;
    }
    const state = this.opts.state;
    // The nonce is kept until enrollment succeeds, so a retry after a lost answer gets the same host.
    const nonce = state.get().enrollNonce ?? randomBytes(18).toString('base64url');
    if (!state.get().enrollNonce) state.update({ enrollNonce: nonce });
    const answer = await postJson(this.opts.urls.enroll, {
      enrollSecret: secret,
      nonce,
      host: this.opts.identity(),
      os: this.opts.os,
      labels: this.opts.labels,
      agentVersion: this.opts.agentVersion,
    }, this.opts.ca ? { ca: this.opts.ca } : {});
    if (answer.status !== 200) {
      this.opts.log.error({ status: answer.status, body: answer.body.slice(0, 300) }, 'enrollment refused');
      return false;
    }
    const parsed = enrollResponseSchema.safeParse(JSON.parse(answer.body));
    if (!parsed.success) {
      this.opts.log.error('enrollment answer malformed');
      return false;
    }
    state.update({ hostId: parsed.data.hostId, nodeKey: parsed.data.nodeKey, enrolledFingerprint: this.opts.identity().fingerprint, enrollNonce: undefined });
    this.opts.log.info({ hostId: parsed.data.hostId }, 'enrolled');
    return true;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.opts.onStatus?.('connecting');
    const state = this.opts.state;
    const fingerprint = this.opts.identity().fingerprint;
    if (state.get().nodeKey && state.get().enrolledFingerprint && state.get().enrolledFingerprint !== fingerprint) {
      // Same stored identity on different hardware: a cloned image. Enroll as a new host, with a
      // fresh nonce (a copied one would fetch the original's host) and without the original's
      // unsent reports, which describe the other machine.
      this.opts.log.warn({ previousHostId: state.get().hostId }, 'hardware fingerprint changed since enrollment (cloned image?): enrolling as a new host');
      state.update({ nodeKey: undefined, hostId: undefined, enrollNonce: undefined, agentId: crypto.randomUUID() });
      this.opts.spool.ack(state.get().seq);
      this.ackedSeq = state.get().seq;
    }
    if (!state.get().nodeKey) {
      try {
        if (!(await this.enroll())) return this.schedule(this.backoff.next() * 5, 'enrollment failed');
      } catch (err) {
        this.explainTls(err);
        return this.schedule(this.backoff.next(), `enrollment failed: ${(err as Error).message}`);
      }
    }
    const ws = new WebSocket(this.opts.urls.agent, {
      headers: { authorization: `Bearer ${state.get().nodeKey ?? ''}` },
      maxPayload: LIMITS.maxFrameBytes,
      perMessageDeflate: false,
      handshakeTimeout: 15_000,
      ...(this.opts.ca ? { ca: this.opts.ca } : {}),
    });
    this.ws = ws;
    this.welcomed = false;
    this.sentSeq = 0;
    /** Set when the upgrade was answered with an HTTP status instead of a WebSocket. */
    let refusal: { status: number; retryAfterMs: number } | undefined;

    ws.on('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      const retryAfterMs = Math.min(3_600_000, Number(res.headers['retry-after'] ?? 0) * 1000 || 0);
      refusal = { status, retryAfterMs };
      if (status === 401) this.opts.log.warn('collector refused the node key: enrolling again after a long pause');
      else this.opts.log.warn({ status, retryAfterMs }, 'collector refused the connection');
      res.resume();
      ws.terminate();
    });
    // A silent collector (a dead NAT mapping, a link that came back after the TCP session died)
    // is noticed by a missing pong rather than after the OS's TCP timeout. Only a quiet
    // connection is pinged: any frame from the collector (an ack, its own ping) proves it is
    // there, and an agent reporting every 15 s hears an ack as often; thousands of agents pinging
    // every 30 s regardless would send a collector more frames than their reports. A collector
    // too busy to read this connection leaves our ping unanswered, but its own pings still
    // arrive, so a loaded collector is not taken for a dead one.
    const heartbeatMs = this.opts.heartbeatMs ?? 30_000;
    let heardAt = Date.now();
    let pingedAt: number | undefined;
    const heartbeat = setInterval(() => {
      if (ws.readyState !== WebSocket.OPEN) return;
      const now = Date.now();
      if (pingedAt !== undefined) {
        if (now - pingedAt < heartbeatMs) return;
        this.opts.log.warn('collector did not answer a ping: reconnecting');
        ws.terminate();
        return;
      }
      if (now - heardAt < heartbeatMs) return;
      pingedAt = now;
      ws.ping();
    }, heartbeatMs / 2);
    heartbeat.unref();
    const alive = () => {
      heardAt = Date.now();
      pingedAt = undefined;
    };
    ws.on('pong', alive);
    ws.on('ping', alive);
    ws.on('open', () => {
      this.send({
        v: PROTOCOL_VERSION,
        type: 'hello',
        agentVersion: this.opts.agentVersion,
        host: this.opts.identity(),
        os: this.opts.os,
        labels: this.opts.labels,
        lastAckedSeq: this.ackedSeq,
        sentAt: Date.now(),
      });
    });
    ws.on('message', (data, isBinary) => {
      alive();
      if (isBinary) return;
      const parsed = parseCollectorFrame(data as Buffer);
      if (!parsed.ok) {
        this.opts.log.warn({ error: parsed.error.message }, 'invalid frame from collector');
        return;
      }
      const frame = parsed.frame;
      switch (frame.type) {
        case 'welcome':
          this.welcomed = true;
          this.backoff.reset();
          this.acknowledge(frame.ackedSeq);
          // A restored or reset state file must never reuse numbers the collector already holds.
          if (frame.ackedSeq > this.opts.state.get().seq) this.opts.state.update({ seq: frame.ackedSeq });
          this.opts.state.update({ hostId: frame.hostId });
          this.opts.onStatus?.('online');
          this.opts.onPolicy(frame.policy);
          this.opts.onWelcome?.(frame.inventoryHash);
          if (frame.update) this.opts.onUpdate?.(frame.update);
          this.pump();
          break;
        case 'ack':
          this.acknowledge(frame.seq);
          this.pump();
          break;
        case 'policy':
          this.opts.onPolicy(frame.policy);
          if (frame.update) this.opts.onUpdate?.(frame.update);
          break;
        case 'command':
          void this.opts.onCommand(frame).then(
            (result) => this.send({ v: PROTOCOL_VERSION, type: 'command_result', id: frame.id, ...result }),
            (err: Error) => this.send({ v: PROTOCOL_VERSION, type: 'command_result', id: frame.id, ok: false, error: err.message.slice(0, 500) }),
          );
          break;
        case 'error':
          this.opts.log.warn({ code: frame.code, path: frame.path, ref: frame.ref }, `collector: ${frame.message}`);
          break;
      }
    });
    ws.on('close', (code, reason) => {
      clearInterval(heartbeat);
      this.welcomed = false;
      if (this.ws === ws) this.ws = undefined;
      if (code === CloseCode.keyInvalid) this.opts.log.warn('node key revoked or invalid (4401): enrolling again after a long pause');
      if (code === CloseCode.duplicateIdentity) this.opts.log.error('another agent with this identity is connected (4409): is this machine a copy of another one?');
      const why = reason.toString('utf8');
      const plan = planReconnect(
        refusal?.status ?? code,
        { backoff: this.backoff, revokedBackoffMs: this.opts.revokedBackoffMs ?? 300_000, ...(this.opts.random ? { random: this.opts.random } : {}) },
        refusal?.retryAfterMs,
        reconnectWithinMs(why),
      );
      if (plan.reenroll) state.update({ nodeKey: undefined, hostId: undefined });
      this.schedule(plan.delayMs, refusal ? `refused with HTTP ${refusal.status}` : `closed ${code} ${why}`.trim());
    });
    ws.on('error', (err) => {
      if (!this.explainTls(err)) this.opts.log.debug({ err: err.message }, 'connection error');
    });
  }

  /** Logs a certificate problem in words an operator can act on; true when it was one. */
  private explainTls(err: unknown): boolean {
    const explanation = describeCertificateError(err, this.opts.urls.base.host);
    if (explanation) this.opts.log.error({ code: (err as { code?: string }).code }, explanation);
    return explanation !== undefined;
  }

  private acknowledge(seq: number): void {
    if (seq <= this.ackedSeq) return;
    this.ackedSeq = seq;
    this.opts.spool.ack(seq);
  }
}
