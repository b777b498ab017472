import {
  type AgentFrame,
  CloseCode,
  type CollectorFrameInput,
  ErrorCode,
  errorFrameFor,
  type CommandName,
  type CommandResultFrame,
  type HelloFrame,
  type InventoryFrame,
  parseAgentFrame,
  PROTOCOL_VERSION,
  type ReportFrame,
  type UpdateOffer,
} from '@siaga/shared';
import WebSocket from 'ws';
import type { Ingest } from '../ingest/ingest.js';
import type { Logger } from '../log.js';
import type { PolicyProvider } from '../policy/provider.js';
import type { HostRecord, HostStore } from '../store/hosts.js';
import { HeldFrames } from './held-frames.js';
import type { IngestBudget } from './ingest-budget.js';

export interface ConnectionDeps {
  hosts: HostStore;
  ingest: Ingest;
  policies: PolicyProvider;
  log: Logger;
  now: () => number;
  onHello?: (conn: AgentConnection, hello: HelloFrame) => void;
  onGoodbye?: (conn: AgentConnection, reason: string) => void;
  /** Every frame as it is read, before it may be held: the host is talking. */
  onHeard?: (conn: AgentConnection, at: number) => void;
  onPolicySent?: (conn: AgentConnection) => void;
  onInventory?: (conn: AgentConnection, frame: InventoryFrame) => void;
  /** Counts frames refused by validation (for the collector's self-metrics). */
  onInvalidFrame?: () => void;
  /** Hash of the inventory the collector holds for a host, told in `welcome`. */
  inventoryHash?: (hostId: string) => string | undefined;
  /** The agent build a host should run, told in `welcome` and `policy` (automatic updates). */
  updateOffer?: (host: HostRecord) => UpdateOffer | undefined;
  onClose?: (conn: AgentConnection) => void;
  /** A report was acked, `ms` after its frame was read. */
  onAcked?: (ms: number) => void;
  /** Bytes queued towards an agent that does not read, at most; beyond it the socket is dropped. */
  maxBufferedBytes?: number;
  /** Reports held between reading and acking, over all connections (backpressure). */
  budget?: IngestBudget;
}

/** Invalid-frame warnings logged per connection and minute; the rest are counted. */
const WARNINGS_PER_MINUTE = 10;

/**
 * One agent's WebSocket after authentication. Expects `hello` first, answers `welcome`, then
 * ingests reports and acks them cumulatively and in order once they are stored. Invalid frames
 * get an error frame naming the field; the connection stays usable.
 */
export class AgentConnection {
  private helloed = false;
  /** Highest seq accepted for storing on this connection (stored or on its way). */
  private acceptedSeq: number;
  private ackChain: Promise<void> = Promise.resolve();
  private policyVersion: string | undefined;
  /** The update offer last sent (version and hash), if any. */
  private updateKey: string | undefined;
  private readonly pending = new Map<string, { resolve: (r: CommandResultFrame) => void; timer: NodeJS.Timeout }>();
  private commandCounter = 0;
  private warnings = { windowStart: 0, logged: 0, suppressed: 0 };
  /** Frames read while the ingest budget was spent, kept unparsed until there is room. */
  private readonly held: HeldFrames | undefined;
  /** Collector clock minus agent clock, from `hello` (network delay included). */
  clockSkewMs = 0;
  /** A frame went to the agent since the gateway's last heartbeat sweep (it cleared this). */
  spoke = false;
  readonly connectedAt: number;

  constructor(
    readonly ws: WebSocket,
    public host: HostRecord,
    private readonly deps: ConnectionDeps,
    readonly remoteAddress = 'unknown',
  ) {
    this.acceptedSeq = host.lastSeq;
    this.connectedAt = deps.now();
    if (deps.budget) this.held = new HeldFrames(ws, deps.budget, (data, receivedAt) => this.handle(data, false, receivedAt), deps.now);
    ws.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    ws.on('close', () => {
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.resolve({ v: PROTOCOL_VERSION, type: 'command_result', id, ok: false, error: 'agent disconnected' });
      }
      this.pending.clear();
      this.held?.drop();
      deps.onClose?.(this);
    });
    ws.on('error', (err) => deps.log.debug({ host: host.id, err: err.message }, 'agent socket error'));
  }

  send(frame: CollectorFrameInput): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (this.ws.bufferedAmount > (this.deps.maxBufferedBytes ?? Infinity)) {
      // The agent stopped reading: dropping it beats holding its backlog in memory.
      this.deps.log.warn({ host: this.host.id, bufferedBytes: this.ws.bufferedAmount }, 'agent does not read what it is sent: dropping its connection');
      this.ws.terminate();
      return;
    }
    this.ws.send(JSON.stringify(frame));
    this.spoke = true;
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  /** Pushes the host's policy, and the update offered to it, when either differs from what the agent was sent. */
  pushPolicy(): void {
    if (!this.helloed) return;
    const policy = this.deps.policies.forHost(this.host).agent;
    const update = this.deps.updateOffer?.(this.host);
    const updateKey = update ? `${update.version}/${update.sha256}` : undefined;
    const policyChanged = policy.version !== this.policyVersion;
    if (!policyChanged && updateKey === this.updateKey) return;
    this.policyVersion = policy.version;
    this.updateKey = updateKey;
    this.send({ v: PROTOCOL_VERSION, type: 'policy', policy, ...(update ? { update } : {}) });
    if (policyChanged) this.deps.onPolicySent?.(this);
  }

  /** Sends one of the fixed diagnostics commands; resolves with the agent's answer or a timeout. */
  command(name: CommandName, timeoutMs = 15_000): Promise<CommandResultFrame> {
    const id = `${name}-${Date.now().toString(36)}-${(this.commandCounter++).toString(36)}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ v: PROTOCOL_VERSION, type: 'command_result', id, ok: false, error: `no answer within ${Math.round(timeoutMs / 1000)} s` });
      }, timeoutMs);
      this.pending.set(id, { resolve, timer });
      this.send({ v: PROTOCOL_VERSION, type: 'command', id, name });
    });
  }

  /** A report is live when it was collected recently (agent clock corrected by the skew). */
  isLive(frame: ReportFrame, receivedAt: number): boolean {
    const intervalMs = this.deps.policies.forHost(this.host).agent.intervalSec * 1000;
    return receivedAt - (frame.collectedAt + this.clockSkewMs) <= 2 * intervalMs + 5_000;
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const now = this.deps.now();
    this.deps.onHeard?.(this, now);
    // Not before the hello: a returning agent learns at once that it is connected (and from which
    // seq to resend) even while the reports of thousands of others wait for room.
    if (!isBinary && this.helloed && this.held?.offer(data)) return;
    this.handle(data, isBinary, now);
  }

  private handle(data: Buffer | string, isBinary: boolean, receivedAt: number): void {
    if (isBinary) {
      this.send(errorFrameFor({ code: ErrorCode.invalidFrame, message: 'binary frames are not accepted; send JSON text', path: '', issues: [], ref: {} }));
      return;
    }
    const parsed = parseAgentFrame(data);
    if (!parsed.ok) {
      this.deps.onInvalidFrame?.();
      if (this.mayWarn()) this.deps.log.warn({ host: this.host.id, code: parsed.error.code, path: parsed.error.path }, `invalid frame: ${parsed.error.message.slice(0, 300)}`);
      this.send(errorFrameFor(parsed.error));
      return;
    }
    const frame = parsed.frame;
    if (!this.helloed && frame.type !== 'hello') {
      this.send(errorFrameFor({ code: ErrorCode.unexpectedFrame, message: `expected hello before ${frame.type}`, path: 'type', issues: [], ref: { type: frame.type } }));
      return;
    }
    this.dispatch(frame, parsed.text, receivedAt);
  }

  /** A misbehaving agent must not be able to flood the log (and the disk under it). */
  private mayWarn(): boolean {
    const now = this.deps.now();
    const w = this.warnings;
    if (now - w.windowStart >= 60_000) {
      if (w.suppressed > 0) this.deps.log.warn({ host: this.host.id, suppressed: w.suppressed }, 'more invalid frames from this agent were not logged');
      this.warnings = { windowStart: now, logged: 0, suppressed: 0 };
    }
    if (this.warnings.logged < WARNINGS_PER_MINUTE) {
      this.warnings.logged += 1;
      return true;
    }
    this.warnings.suppressed += 1;
    return false;
  }

  private dispatch(frame: AgentFrame, text: string | undefined, receivedAt: number): void {
    switch (frame.type) {
      case 'hello':
        return this.onHello(frame);
      case 'report':
        return this.onReport(frame, text, receivedAt);
      case 'goodbye':
        this.deps.onGoodbye?.(this, frame.reason);
        return;
      case 'inventory':
        this.deps.onInventory?.(this, frame);
        return;
      case 'command_result': {
        const p = this.pending.get(frame.id);
        if (!p) return;
        clearTimeout(p.timer);
        this.pending.delete(frame.id);
        p.resolve(frame);
        return;
      }
      case 'error':
        if (this.mayWarn()) this.deps.log.warn({ host: this.host.id, code: frame.code, path: frame.path }, `agent reported: ${frame.message}`);
        return;
      default:
        return;
    }
  }

  private onHello(hello: HelloFrame): void {
    const now = this.deps.now();
    this.deps.hosts.updateFacts(this.host.id, hello.host, hello.os, hello.labels, hello.agentVersion, now);
    this.host = this.deps.hosts.get(this.host.id) ?? this.host;
    this.helloed = true;
    this.clockSkewMs = now - hello.sentAt;
    const policy = this.deps.policies.forHost(this.host).agent;
    this.policyVersion = policy.version;
    const inventoryHash = this.deps.inventoryHash?.(this.host.id);
    const update = this.deps.updateOffer?.(this.host);
    this.updateKey = update ? `${update.version}/${update.sha256}` : undefined;
    this.send({ v: PROTOCOL_VERSION, type: 'welcome', hostId: this.host.id, serverTime: now, ackedSeq: this.acceptedSeq, policy, ...(inventoryHash ? { inventoryHash } : {}), ...(update ? { update } : {}) });
    this.deps.onHello?.(this, hello);
    this.deps.onPolicySent?.(this);
  }

  private onReport(frame: ReportFrame, text: string | undefined, receivedAt: number): void {
    const seq = frame.seq;
    if (seq <= this.acceptedSeq) {
      // Already stored (or being stored): ack once everything before it is done.
      this.deps.ingest.duplicate();
      this.ackChain = this.ackChain.then(() => this.ack(seq));
      return;
    }
    const storedSeq = this.acceptedSeq;
    this.acceptedSeq = seq;
    const budget = this.deps.budget;
    budget?.take();
    const stored = this.deps.ingest.report(this.host, frame, receivedAt, this.isLive(frame, receivedAt), text);
    stored.catch(() => undefined);
    if (budget) {
      const release = () => budget.release();
      stored.then(release, release);
    }
    this.ackChain = this.ackChain
      .then(() => stored)
      .then(
        () => {
          this.ack(seq);
          this.deps.onAcked?.(this.deps.now() - receivedAt);
        },
        (err: Error) => {
          // Not stored: close so the agent resends from its spool; never ack what is not durable.
          this.deps.log.error({ host: this.host.id, seq, err: err.message }, 'report not stored; asking the agent to retry');
          this.acceptedSeq = Math.min(this.acceptedSeq, storedSeq);
          this.close(CloseCode.tryLater, 'storage unavailable');
        },
      );
  }

  /** True while this connection is not read because the collector holds too much (its pongs wait unread). */
  get heldBack(): boolean {
    return this.held?.paused ?? false;
  }

  private ack(seq: number): void {
    this.send({ v: PROTOCOL_VERSION, type: 'ack', seq });
  }
}
