import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { MemorySpool } from '../spool/memory.js';
import { StateFile } from '../state.js';
import { CollectorClient } from './client.js';
import { collectorUrls } from './urls.js';

const FP_A = 'a'.repeat(32);
const FP_B = 'b'.repeat(32);

/**
 * A loopback stand-in for the collector: counts enrollments and upgrades and lets each test decide
 * how an upgrade is answered.
 */
class FakeCollector {
  readonly server = http.createServer((req, res) => this.onRequest(req, res));
  readonly wss = new WebSocketServer({ noServer: true });
  enrollments: Array<Record<string, unknown>> = [];
  upgrades = 0;
  answer: (socket: import('node:stream').Duplex, req: http.IncomingMessage, head: Buffer) => void = () => undefined;
  url = '';

  async start(): Promise<void> {
    this.server.on('upgrade', (req, socket, head) => {
      this.upgrades += 1;
      this.answer(socket, req, head);
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Accepts the upgrade and closes right away with `code`. */
  closeWith(code: number): void {
    this.answer = (socket, req, head) => this.wss.handleUpgrade(req, socket, head, (ws) => ws.close(code, 'test'));
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      this.enrollments.push(JSON.parse(body) as Record<string, unknown>);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ hostId: crypto.randomUUID(), nodeKey: `key-${this.enrollments.length}`.padEnd(43, 'x') }));
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

describe('CollectorClient reactions', () => {
  let dir: string;
  let collector: FakeCollector;
  let client: CollectorClient | undefined;
  let logs: Array<Record<string, unknown>>;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'siaga-client-'));
    collector = new FakeCollector();
    await collector.start();
    logs = [];
  });
  afterEach(async () => {
    await client?.stop();
    client = undefined;
    await collector.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function makeClient(options: { fingerprint?: string; random?: () => number; revokedBackoffMs?: number; spool?: MemorySpool; heartbeatMs?: number } = {}) {
    const state = new StateFile(path.join(dir, 'state'));
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
        cb();
      },
    });
    const log = pino({ level: 'debug' }, sink);
    client = new CollectorClient({
      urls: collectorUrls(collector.url, false),
      agentVersion: 'test',
      identity: () => ({ id: state.get().agentId, hostname: 'pc-test', fingerprint: options.fingerprint ?? FP_A }),
      os: { platform: 'linux', distro: 'Debian', release: '12', arch: 'x64' },
      labels: { tags: [] },
      state,
      enrollSecret: () => 'enroll-secret-0123456789',
      spool: options.spool ?? new MemorySpool(),
      log,
      revokedBackoffMs: options.revokedBackoffMs ?? 60_000,
      ...(options.random ? { random: options.random } : {}),
      ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
      onPolicy: () => undefined,
      onCommand: async () => ({ ok: true }),
    });
    return { state, client };
  }

  const scheduled = async (n = 1) => {
    const deadline = Date.now() + 10_000;
    while (logs.filter((l) => l.msg === 'reconnecting later').length < n) {
      if (Date.now() > deadline) throw new Error(`no reconnect scheduled; logs: ${JSON.stringify(logs.slice(-5))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return logs.filter((l) => l.msg === 'reconnecting later')[n - 1] as { delayMs: number; why: string };
  };

  /**
   * Accepts upgrades and, with `reads: false`, stops reading them (a collector too busy to read:
   * no pongs); pings each every `pingEveryMs` when given. Counts the agent's pings it reads;
   * `end` closes them all.
   */
  const stubCollector = ({ reads, pingEveryMs }: { reads: boolean; pingEveryMs?: number }) => {
    const seen = { pings: 0 };
    const sockets: Array<import('ws').WebSocket> = [];
    const timers: NodeJS.Timeout[] = [];
    collector.answer = (socket, req, head) =>
      collector.wss.handleUpgrade(req, socket, head, (ws) => {
        sockets.push(ws);
        if (reads) ws.on('ping', () => (seen.pings += 1));
        else ws.pause();
        if (pingEveryMs) timers.push(setInterval(() => ws.ping(), pingEveryMs));
      });
    const end = () => {
      for (const t of timers) clearInterval(t);
      for (const ws of sockets) ws.terminate();
    };
    return { seen, end };
  };

  it('drops a collector that answers nothing: no pong, no frame', async () => {
    const { end } = stubCollector({ reads: false });
    makeClient({ heartbeatMs: 150, random: () => 0 }).client.start();
    try {
      await scheduled();
      expect(logs.some((l) => l.msg === 'collector did not answer a ping: reconnecting')).toBe(true);
    } finally {
      end();
    }
  });

  it('keeps a collector that does not read the connection but pings it (a loaded collector)', async () => {
    const { end } = stubCollector({ reads: false, pingEveryMs: 100 });
    makeClient({ heartbeatMs: 150 }).client.start();
    try {
      await new Promise((r) => setTimeout(r, 1_500));
      expect(collector.upgrades).toBe(1);
      expect(logs.some((l) => l.msg === 'collector did not answer a ping: reconnecting')).toBe(false);
    } finally {
      end();
    }
  });

  it('does not ping a collector that keeps sending frames', async () => {
    const talking = stubCollector({ reads: true, pingEveryMs: 50 });
    makeClient({ heartbeatMs: 150 }).client.start();
    try {
      await new Promise((r) => setTimeout(r, 1_000));
      expect(collector.upgrades).toBe(1);
      expect(talking.seen.pings).toBe(0);
    } finally {
      talking.end();
    }
  });

  it('pings a silent collector that answers, and keeps it', async () => {
    const silent = stubCollector({ reads: true });
    makeClient({ heartbeatMs: 150 }).client.start();
    try {
      await new Promise((r) => setTimeout(r, 1_000));
      expect(collector.upgrades).toBe(1);
      expect(silent.seen.pings).toBeGreaterThanOrEqual(3);
      expect(logs.some((l) => l.msg === 'collector did not answer a ping: reconnecting')).toBe(false);
    } finally {
      silent.end();
    }
  });

  it('after 1012 waits the backoff plus a random spread of up to 10 s', async () => {
    collector.closeWith(1012);
    makeClient({ random: () => 1 }).client.start();
    const plan = await scheduled();
    expect(plan.why).toContain('closed 1012');
    expect(plan.delayMs).toBeGreaterThanOrEqual(10_000 + 500);
    expect(plan.delayMs).toBeLessThanOrEqual(10_000 + 1_000);
  });

  it('after 4401 forgets the key, pauses long, then enrolls again (once)', async () => {
    collector.closeWith(4401);
    const { state, client } = makeClient({ revokedBackoffMs: 300, random: () => 0 });
    client.start();
    const plan = await scheduled();
    expect(plan.delayMs).toBe(300);
    expect(state.get().nodeKey).toBeUndefined();
    expect(logs.some((l) => String(l.msg).includes('(4401)'))).toBe(true);
    await scheduled(2);
    expect(collector.enrollments).toHaveLength(2);
    expect(collector.upgrades).toBe(2);
  });

  it('after HTTP 401 on the upgrade re-enrolls after the long pause; honours Retry-After on 429', async () => {
    collector.answer = (socket) => socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    const { state, client } = makeClient({ revokedBackoffMs: 45_000, random: () => 0 });
    client.start();
    expect((await scheduled()).delayMs).toBe(45_000);
    expect(state.get().nodeKey).toBeUndefined();
    await client.stop();

    logs = [];
    collector.answer = (socket) => socket.end('HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    const second = makeClient({ random: () => 0 });
    second.client.start();
    const plan = await scheduled();
    expect(plan.delayMs).toBe(7_000);
    expect(plan.why).toBe('refused with HTTP 429');
    expect(second.state.get().nodeKey).toBeDefined();
  });

  it('on other hardware (a cloned state directory) enrolls as a new host with a fresh nonce and drops the copied spool', async () => {
    collector.closeWith(1000);
    const original = new StateFile(path.join(dir, 'state'));
    const originalId = original.get().agentId;
    original.update({ hostId: crypto.randomUUID(), nodeKey: 'k'.repeat(43), enrolledFingerprint: FP_A, enrollNonce: 'copied-nonce-0123456789', seq: 7 });
    const spool = new MemorySpool();
    for (let seq = 5; seq <= 7; seq++) spool.append({ seq, frame: `{"seq":${seq}}` });
    const { state, client } = makeClient({ fingerprint: FP_B, spool });
    client.start();
    await scheduled();
    expect(collector.enrollments).toHaveLength(1);
    const request = collector.enrollments[0] as { nonce: string; host: { id: string; fingerprint: string } };
    expect(request.nonce).not.toBe('copied-nonce-0123456789');
    expect(request.host.id).not.toBe(originalId);
    expect(request.host.fingerprint).toBe(FP_B);
    expect(state.get().enrolledFingerprint).toBe(FP_B);
    expect(spool.after(0, 10)).toEqual([]);
    expect(logs.some((l) => String(l.msg).includes('cloned image'))).toBe(true);
  });

  it('on the same hardware keeps its key and does not enroll', async () => {
    collector.closeWith(1000);
    const original = new StateFile(path.join(dir, 'state'));
    original.update({ hostId: crypto.randomUUID(), nodeKey: 'k'.repeat(43), enrolledFingerprint: FP_A });
    makeClient({ fingerprint: FP_A }).client.start();
    await scheduled();
    expect(collector.enrollments).toHaveLength(0);
    expect(collector.upgrades).toBe(1);
  });
});
