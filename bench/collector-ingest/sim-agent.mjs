// One simulated agent as the collector sees it: its own enrolled identity and node key, one
// WebSocket from its own loopback source address, hello → welcome, reports from an in-memory
// spool within the real agent's ack window (16), cumulative acks, and after a close the real
// agent's reconnect policy (agent/dist/transport: full-jitter backoff 1 s → 60 s, plus a random
// share of the spread a 1012/1013 close reason asks for (10 s at least), Retry-After honoured
// after HTTP 429).
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import WebSocket from 'ws';
import { Backoff } from '../../agent/dist/transport/backoff.js';
import { reconnectWithinMs } from '../../shared/dist/close-codes.js';
import { planReconnect } from '../../agent/dist/transport/reconnect.js';

export const AGENT_VERSION = 'bench-sim';
const OS = { platform: 'win32', distro: 'Microsoft Windows 11 Pro', release: '10.0.22631', build: '22631', arch: 'x64' };
/** The real agent's heartbeat: a ping after this long without a frame from the collector. */
export const HEARTBEAT_MS = 30_000;

/** What every agent of a worker shares: the collector, the report template, counters. */
export class SimContext {
  constructor({ baseUrl, secret, template, window = 16 }) {
    this.baseUrl = baseUrl;
    this.wsUrl = `${baseUrl.replace(/^http/, 'ws')}/v1/agent`;
    this.secret = secret;
    this.template = template;
    this.window = window;
    this.counters = { generated: 0, sent: 0, resent: 0, acked: 0, skipped: 0, connects: 0, welcomes: 0, closes: {}, refusals: {}, enrollRefusals: {}, errors: 0 };
    /** @type {import('./stats.mjs').LatencyHistogram | undefined} */
    this.latency = undefined;
    this.mark = undefined;
    /** After the mark: what happened in each 10 s since it, by kind (connect, welcome, close 1006, error ECONNREFUSED…). */
    this.timeline = {};
  }

  /** Counts one event in its 10 s bucket after the mark (nothing before a mark). */
  event(kind) {
    if (this.mark === undefined) return;
    const bucket = Math.floor((Date.now() - this.mark) / 10_000);
    const row = (this.timeline[kind] ??= []);
    row[bucket] = (row[bucket] ?? 0) + 1;
  }

  count(table, key) {
    this.counters[table][key] = (this.counters[table][key] ?? 0) + 1;
  }
}

function postJson(url, body, localAddress) {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', localAddress, agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfterMs: Number(res.headers['retry-after'] ?? 0) * 1000, body: data }));
    });
    req.setTimeout(30_000, () => req.destroy(new Error('enroll: no answer within 30 s')));
    req.on('error', reject);
    req.end(text);
  });
}

export class SimAgent {
  /** @param {SimContext} ctx */
  constructor(ctx, { hostname, site, localAddress }) {
    this.ctx = ctx;
    this.hostname = hostname;
    this.site = site;
    this.localAddress = localAddress;
    this.agentId = randomUUID();
    this.hostId = '';
    this.nodeKey = '';
    this.profile = ctx.template.agentProfile();
    this.policyVersion = 'none';
    /** Last seq generated, last seq acknowledged, last seq sent on this connection. */
    this.seq = 0;
    this.acked = 0;
    this.sentSeq = 0;
    this.lastCollectedAt = 0;
    /** Reports not yet acknowledged, oldest first: { seq, frame, sentAt }. */
    this.spool = [];
    this.backoff = new Backoff(1_000, 60_000);
    this.ws = undefined;
    this.welcomed = false;
    /** The real agent's heartbeat state: when the collector was last heard, when a ping went unanswered since. */
    this.heardAt = 0;
    this.pingedAt = undefined;
    this.stopped = true;
    this.retryTimer = undefined;
    this.reportTimer = undefined;
    /** Storm bookkeeping: when this agent's connection dropped after the mark, and when it was welcomed again. */
    this.droppedAt = undefined;
    this.backAt = undefined;
  }

  /** POST /v1/enroll until it succeeds; HTTP 429 waits for Retry-After (counted). */
  async enroll() {
    const body = {
      enrollSecret: this.ctx.secret,
      nonce: randomBytes(16).toString('base64url'),
      host: { id: this.agentId, hostname: this.hostname },
      os: OS,
      labels: { site: this.site, group: 'office', tags: [] },
      agentVersion: AGENT_VERSION,
    };
    for (let attempt = 0; ; attempt += 1) {
      const res = await postJson(`${this.ctx.baseUrl}/v1/enroll`, body, this.localAddress);
      if (res.status === 200) {
        const answer = JSON.parse(res.body);
        this.hostId = answer.hostId;
        this.nodeKey = answer.nodeKey;
        return;
      }
      this.ctx.count('enrollRefusals', res.status);
      if (attempt >= 20 || (res.status !== 429 && res.status < 500)) throw new Error(`enroll ${this.hostname}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
      await new Promise((r) => setTimeout(r, Math.max(res.retryAfterMs, 500)));
    }
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  connect() {
    if (this.stopped) return;
    this.ctx.counters.connects += 1;
    this.ctx.event('connect');
    const ws = new WebSocket(this.ctx.wsUrl, {
      headers: { authorization: `Bearer ${this.nodeKey}` },
      perMessageDeflate: false,
      maxPayload: 64 * 1024,
      handshakeTimeout: 15_000,
      localAddress: this.localAddress,
    });
    this.ws = ws;
    this.welcomed = false;
    this.heardAt = Date.now();
    this.pingedAt = undefined;
    this.sentSeq = 0;
    let refusal;
    ws.on('unexpected-response', (_req, res) => {
      refusal = { status: res.statusCode ?? 0, retryAfterMs: Math.min(3_600_000, Number(res.headers['retry-after'] ?? 0) * 1000 || 0) };
      this.ctx.count('refusals', refusal.status);
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      ws.send(
        JSON.stringify({ v: 1, type: 'hello', agentVersion: AGENT_VERSION, host: { id: this.agentId, hostname: this.hostname }, os: OS, labels: { site: this.site, group: 'office', tags: [] }, lastAckedSeq: this.acked, sentAt: Date.now() }),
      );
    });
    // As the real agent: any frame from the collector (pong, its own ping, a message) proves it is there.
    const alive = () => {
      this.heardAt = Date.now();
      this.pingedAt = undefined;
    };
    ws.on('pong', alive);
    ws.on('ping', alive);
    ws.on('message', (data) => {
      alive();
      this.onFrame(JSON.parse(String(data)));
    });
    ws.on('error', (err) => {
      this.ctx.counters.errors += 1;
      this.ctx.event(`error ${err.code ?? err.message.slice(0, 40)}`);
    });
    ws.on('close', (code, reason) => {
      if (this.ws === ws) this.ws = undefined;
      if (!refusal) this.ctx.count('closes', code);
      this.ctx.event(refusal ? `refused ${refusal.status}` : `close ${code}${this.welcomed ? '' : ' before welcome'}`);
      this.welcomed = false;
      if (this.ctx.mark !== undefined && this.droppedAt === undefined) this.droppedAt = Date.now();
      if (this.stopped) return;
      const plan = planReconnect(refusal?.status ?? code, { backoff: this.backoff, revokedBackoffMs: 300_000 }, refusal?.retryAfterMs, reconnectWithinMs(String(reason)));
      this.retryTimer = setTimeout(() => this.connect(), plan.delayMs);
    });
  }

  onFrame(frame) {
    switch (frame.type) {
      case 'welcome':
        this.welcomed = true;
        this.ctx.counters.welcomes += 1;
        this.ctx.event('welcome');
        this.backoff.reset();
        this.policyVersion = frame.policy.version;
        if (frame.ackedSeq > this.seq) this.seq = frame.ackedSeq;
        this.acknowledge(frame.ackedSeq);
        if (this.ctx.mark !== undefined && this.droppedAt !== undefined && this.backAt === undefined) this.backAt = Date.now();
        this.pump();
        return;
      case 'ack':
        this.acknowledge(frame.seq);
        this.pump();
        return;
      case 'policy':
        this.policyVersion = frame.policy.version;
        return;
      case 'error':
        this.ctx.counters.errors += 1;
        return;
      default:
    }
  }

  acknowledge(seq) {
    if (seq <= this.acked) return;
    const now = performance.now();
    while (this.spool.length > 0 && this.spool[0].seq <= seq) {
      const r = this.spool.shift();
      this.ctx.counters.acked += 1;
      if (r.sentAt !== undefined) this.ctx.latency?.record((now - r.sentAt) * 1000);
    }
    this.acked = seq;
  }

  /** Sends spooled reports the window allows; after a reconnect everything past the acked seq again. */
  pump() {
    const ws = this.ws;
    if (!ws || !this.welcomed || ws.readyState !== WebSocket.OPEN) return;
    for (const r of this.spool) {
      if (Math.max(0, this.sentSeq - this.acked) >= this.ctx.window) break;
      if (r.seq <= this.sentSeq) continue;
      if (r.sentAt !== undefined) this.ctx.counters.resent += 1;
      else this.ctx.counters.sent += 1;
      r.sentAt = performance.now();
      ws.send(r.frame);
      this.sentSeq = r.seq;
    }
  }

  /** One collection: a new report into the spool, unless `maxBacklog` reports already wait. */
  collect(maxBacklog) {
    if (this.spool.length >= maxBacklog) {
      this.ctx.counters.skipped += 1;
      return;
    }
    this.seq += 1;
    // Every report its own timestamp: a duplicate overwrites itself in InfluxDB, two reports never do.
    const collectedAt = Math.max(Date.now(), this.lastCollectedAt + 1);
    this.lastCollectedAt = collectedAt;
    this.spool.push({ seq: this.seq, frame: this.ctx.template.build(this.profile, { seq: this.seq, collectedAt, policyVersion: this.policyVersion }), sentAt: undefined });
    this.ctx.counters.generated += 1;
    this.pump();
  }

  /** Reports every `intervalMs` from a random phase; `intervalMs` 0 stops collecting. */
  schedule(intervalMs, maxBacklog) {
    clearTimeout(this.reportTimer);
    clearInterval(this.reportTimer);
    if (intervalMs <= 0) return;
    this.reportTimer = setTimeout(() => {
      this.collect(maxBacklog);
      this.reportTimer = setInterval(() => this.collect(maxBacklog), intervalMs);
    }, Math.random() * intervalMs);
  }

  /**
   * The real agent's heartbeat, called every 15 s: a ping only after 30 s without a frame from
   * the collector; no answer within 30 s of it drops the connection.
   */
  heartbeat(now = Date.now()) {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    if (this.pingedAt !== undefined) {
      if (now - this.pingedAt >= HEARTBEAT_MS) ws.terminate();
      return;
    }
    if (now - this.heardAt < HEARTBEAT_MS) return;
    this.pingedAt = now;
    ws.ping();
  }

  stop() {
    this.stopped = true;
    this.schedule(0);
    clearTimeout(this.retryTimer);
    this.ws?.terminate();
  }
}
