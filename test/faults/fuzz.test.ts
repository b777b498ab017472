import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { getJson, type HostView } from '../harness/api.js';
import { baseFrames, type Mutant, mutantArbitrary } from '../harness/frame-mutations.js';
import { waitFor } from '../harness/ports.js';
import { type LoggedProcess, type RunningCollector, startAgent, startCollector } from '../harness/processes.js';
import { RawAgent } from '../harness/raw-agent.js';
import { tempDir } from '../harness/tmp.js';

const SECRET = 'fuzz-test-enroll-secret-01';
const TOTAL = Number(process.env.SIAGA_FUZZ_FRAMES ?? 100_000);
const CONNECTIONS = 4;
const BATCH = 500;
const SEED = Number(process.env.SIAGA_FUZZ_SEED ?? Date.now() % 2_147_483_647);
/** RSS may grow this much between warm-up and the end (allocator and SQLite page cache noise). */
const RSS_GROWTH_LIMIT_MB = 64;

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:')) ?? '';
  return Number(/(\d+)/.exec(line)?.[1] ?? 0) / 1024;
}

/** One fuzzing connection: sends mutants in batches, syncs on a ping after each, reconnects when closed. */
class Fuzzer {
  ws: WebSocket | undefined;
  sent = 0;
  errorsReceived = 0;
  readonly closeCodes = new Map<number, number>();

  constructor(
    private readonly url: string,
    private readonly agent: RawAgent,
  ) {}

  private async open(): Promise<WebSocket> {
    const ws = new WebSocket(`${this.url.replace(/^http/, 'ws')}/v1/agent`, { headers: { authorization: `Bearer ${this.agent.nodeKey}` } });
    ws.on('message', (d) => {
      if (String(d).includes('"type":"error"')) this.errorsReceived += 1;
    });
    ws.on('close', (code) => this.closeCodes.set(code, (this.closeCodes.get(code) ?? 0) + 1));
    ws.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    this.agent.ws = ws;
    ws.send(JSON.stringify({ v: 1, type: 'hello', agentVersion: 'fuzz', host: { id: this.agent.agentId, hostname: this.agent.hostname }, os: { platform: 'linux', distro: 'Debian', release: '12', arch: 'x64' }, lastAckedSeq: 0, sentAt: Date.now() }));
    return ws;
  }

  async send(batch: Mutant[]): Promise<void> {
    let ws = this.ws && this.ws.readyState === WebSocket.OPEN ? this.ws : (this.ws = await this.open());
    for (const m of batch) {
      if (ws.readyState !== WebSocket.OPEN) {
        await new Promise((r) => (ws.readyState === WebSocket.CLOSED ? r(undefined) : ws.once('close', r)));
        ws = this.ws = await this.open();
      }
      ws.send(m.data, { binary: false });
      this.sent += 1;
    }
    // Flow control: the pong comes back after the collector worked through everything before it.
    if (ws.readyState === WebSocket.OPEN) {
      await new Promise<void>((resolve) => {
        const done = () => {
          ws.off('pong', done);
          ws.off('close', done);
          resolve();
        };
        ws.once('pong', done);
        ws.once('close', done);
        ws.ping();
      });
    }
  }

  close(): void {
    this.ws?.close();
  }
}

describe('fuzzing the gateway with mutated frames over real WebSockets', () => {
  const tmp = tempDir('fuzz');
  let collector: RunningCollector;
  let agent: LoggedProcess;

  beforeAll(async () => {
    collector = await startCollector(tmp.dir, {
      enroll: { secrets: [SECRET] },
      // Every frame should reach the validator rather than be stopped by a rate limit.
      gateway: { messageRate: { perSecond: 1_000_000, burst: 1_000_000 }, frameRate: { perSecond: 1_000_000, burst: 1_000_000 }, handshakeRate: { perSecond: 1_000, burst: 1_000 } },
    });
    agent = startAgent(tmp.dir, 'pc-normal', { collector: { url: collector.url, enrollSecret: SECRET }, intervalSec: 1 });
  });
  afterAll(async () => {
    await agent?.stop();
    await collector?.stop();
    tmp.remove();
  });

  const normalAgent = () => getJson<{ hosts: HostView[] }>(`${collector.url}/v1/hosts`).then((r) => r.hosts.find((h) => h.hostname === 'pc-normal'));

  it(`survives ${TOTAL} mutated frames: no crash, no unhandled error, bounded memory, and the normal agent still reports`, async () => {
    const before = await waitFor(async () => {
      const h = await normalAgent();
      return h && h.connected && h.lastSeq >= 1 ? h : undefined;
    }, 'the normal agent to report', 30_000);

    const fuzzers = await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        const raw = new RawAgent(collector.url);
        expect((await raw.enroll(SECRET)).status).toBe(200);
        return new Fuzzer(collector.url, raw);
      }),
    );
    const kinds = new Map<string, number>();
    let round = 0;
    let rssWarm = 0;
    const perRound = BATCH * CONNECTIONS;
    while (round * perRound < TOTAL) {
      await Promise.all(
        fuzzers.map((f, i) => {
          const agentRef = (f as unknown as { agent: RawAgent }).agent;
          const arb = mutantArbitrary(baseFrames(agentRef.agentId, agentRef.hostname));
          const batch = fc.sample(arb, { numRuns: Math.min(BATCH, Math.ceil((TOTAL - round * perRound) / CONNECTIONS)), seed: SEED + round * CONNECTIONS + i });
          for (const m of batch) kinds.set(m.kind, (kinds.get(m.kind) ?? 0) + 1);
          return f.send(batch);
        }),
      );
      round += 1;
      if (round * perRound >= 10_000 && rssWarm === 0) rssWarm = rssMb(collector.child.pid as number);
      expect(collector.child.exitCode, `collector exited (seed ${SEED})\n${collector.tail()}`).toBeNull();
    }
    fuzzers.forEach((f) => f.close());
    const rssEnd = rssMb(collector.child.pid as number);

    const sent = fuzzers.reduce((n, f) => n + f.sent, 0);
    expect(sent).toBeGreaterThanOrEqual(TOTAL);
    // Every kind of mutation was exercised.
    expect([...kinds.keys()].sort()).toEqual(['bitflip', 'deep-nesting', 'huge-number', 'invalid-utf8', 'oversized', 'prototype-key', 'random-json', 'random-text', 'truncated', 'type-confusion', 'valid']);
    // The collector answered invalid frames with error frames, and closed only for the transport-level faults.
    // Truncated JSON, random text and random JSON are never a valid frame: each earns an error frame
    // (a few are lost with the connections closed for invalid UTF-8 or size).
    const certainlyInvalid = (kinds.get('truncated') ?? 0) + (kinds.get('random-text') ?? 0) + (kinds.get('random-json') ?? 0);
    const errorsReceived = fuzzers.reduce((n, f) => n + f.errorsReceived, 0);
    expect(errorsReceived).toBeGreaterThan(certainlyInvalid * 0.9);
    const codes = new Set(fuzzers.flatMap((f) => [...f.closeCodes.keys()]));
    for (const code of codes) expect([1000, 1005, 1007, 1009], `unexpected close code ${code} (seed ${SEED})`).toContain(code);

    expect(collector.child.exitCode).toBeNull();
    const bad = collector.lines.filter((l) => /uncaught|unhandled/i.test(String(l.msg)) || Number(l.level) >= 50);
    expect(bad, `seed ${SEED}`).toEqual([]);
    expect(rssEnd - rssWarm, `RSS ${rssWarm.toFixed(0)} → ${rssEnd.toFixed(0)} MB (seed ${SEED})`).toBeLessThan(RSS_GROWTH_LIMIT_MB);

    const after = await waitFor(async () => {
      const h = await normalAgent();
      return h && h.connected && h.lastSeq > before.lastSeq + 1 ? h : undefined;
    }, 'the normal agent to keep reporting', 30_000);
    expect(after.lastSeq).toBeGreaterThan(before.lastSeq);
    console.log(`fuzz: ${sent} frames, ${errorsReceived} error frames back, seed ${SEED}, kinds ${JSON.stringify(Object.fromEntries(kinds))}, closes ${JSON.stringify(fuzzers.map((f) => Object.fromEntries(f.closeCodes)))}, RSS ${rssWarm.toFixed(0)} → ${rssEnd.toFixed(0)} MB`);
  }, 180_000);
});
