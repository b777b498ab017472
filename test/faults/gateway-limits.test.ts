import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { enrollFrom } from '../harness/enroll.js';
import { waitFor } from '../harness/ports.js';
import { type RunningCollector, startCollector } from '../harness/processes.js';
import { RawAgent } from '../harness/raw-agent.js';
import { clientFrame, RawSocket } from '../harness/raw-socket.js';
import { tempDir } from '../harness/tmp.js';

const SECRET = 'gateway-limits-secret-0001';
const TEXT = 0x1;
const CONTINUATION = 0x0;
const PING = 0x9;

/** Each scenario misbehaves from its own loopback address, so per-address limits do not mix. */
const FROM = { frames: '127.0.0.3', rate: '127.0.0.4', cap: '127.0.0.5', enroll: '127.0.0.6', slow: '127.0.0.7', messages: '127.0.0.8' };

async function legitAgent(url: string): Promise<RawAgent> {
  const agent = new RawAgent(url);
  expect((await agent.enroll(SECRET)).status).toBe(200);
  await agent.connect();
  agent.hello();
  await agent.next((f) => f.type === 'welcome');
  return agent;
}

/** An agent that can still enroll, connect and have a report acknowledged. */
async function stillServes(url: string): Promise<void> {
  const agent = await legitAgent(url);
  agent.report(1);
  expect((await agent.next((f) => f.type === 'ack')).seq).toBe(1);
  agent.ws.close();
}

describe('gateway limits against a real collector process', () => {
  const tmp = tempDir('gateway-limits');
  let collector: RunningCollector;
  let port: number;

  beforeAll(async () => {
    collector = await startCollector(tmp.dir, {
      enroll: { secrets: [SECRET] },
      gateway: {
        handshakeTimeoutMs: 1_500,
        heartbeatIntervalMs: 400,
        maxConnectionsPerIp: 30,
        handshakeRate: { perSecond: 2, burst: 15 },
        enrollRate: { perSecond: 1, burst: 10 },
        frameRate: { perSecond: 100, burst: 300 },
        messageRate: { perSecond: 20, burst: 50 },
        maxFragments: 16,
      },
    });
    port = collector.port;
  });
  afterAll(async () => {
    if (process.env.SIAGA_TEST_DEBUG) console.log(collector?.tail(40));
    await collector?.stop();
    tmp.remove();
  });

  it('closes an oversized message with 1009, also when it arrives in fragments, and legit agents still connect', async () => {
    const big = await legitAgent(collector.url);
    const closed = big.closed();
    big.send(JSON.stringify({ v: 1, type: 'report', seq: 1, collectedAt: Date.now(), metrics: [], pad: 'x'.repeat(70_000) }));
    expect((await closed).code).toBe(1009);

    const holder = await legitAgent(collector.url);
    holder.ws.close();
    await new Promise((r) => setTimeout(r, 100));
    const key = holder.nodeKey;
    const raw = await RawSocket.open({ port, nodeKey: key, localAddress: FROM.frames });
    expect(raw.status).toBe(101);
    raw.write(Buffer.concat([clientFrame(TEXT, 'x'.repeat(30_000), false), clientFrame(CONTINUATION, 'x'.repeat(30_000), false), clientFrame(CONTINUATION, 'x'.repeat(30_000), true)]));
    expect(await raw.waitClosed()).toBe(true);
    expect(raw.closeCode).toBe(1009);

    await stillServes(collector.url);
  });

  it('closes a message split into too many fragments with 1008', async () => {
    const agent = await legitAgent(collector.url);
    agent.ws.close();
    await new Promise((r) => setTimeout(r, 100));
    const raw = await RawSocket.open({ port, nodeKey: agent.nodeKey, localAddress: FROM.frames });
    expect(raw.status).toBe(101);
    const flood = [clientFrame(TEXT, '{', false), ...Array.from({ length: 40 }, () => clientFrame(CONTINUATION, '', false))];
    raw.write(Buffer.concat(flood));
    expect(await raw.waitClosed()).toBe(true);
    expect(raw.closeCode).toBe(1008);
  });

  it('closes floods of small frames (continuations within the fragment cap, pings) with 1008', async () => {
    for (const flood of [
      // 100 messages of 15 fragments each: every message is within maxFragments, the rate is not.
      Array.from({ length: 100 }, () => [clientFrame(TEXT, '{', false), ...Array.from({ length: 13 }, () => clientFrame(CONTINUATION, ' ', false)), clientFrame(CONTINUATION, '}', true)]).flat(),
      Array.from({ length: 2_000 }, () => clientFrame(PING)),
    ]) {
      const agent = await legitAgent(collector.url);
      agent.ws.close();
      await new Promise((r) => setTimeout(r, 100));
      const raw = await RawSocket.open({ port, nodeKey: agent.nodeKey, localAddress: FROM.frames });
      expect(raw.status).toBe(101);
      raw.write(Buffer.concat(flood));
      expect(await raw.waitClosed()).toBe(true);
      expect(raw.closeCode).toBe(1008);
      expect(raw.closeReason).toContain('frames per second');
    }
    await stillServes(collector.url);
  });

  it('throttles a burst of messages from an honest agent, and closes a gross message flood with 1008', async () => {
    const honest = await legitAgent(collector.url);
    for (let seq = 1; seq <= 80; seq++) honest.report(seq);
    expect((await honest.next((f) => f.type === 'ack' && f.seq === 80, 20_000)).seq).toBe(80);
    expect(honest.ws.readyState).toBe(WebSocket.OPEN);
    honest.ws.close();

    const flooder = await legitAgent(collector.url);
    flooder.ws.close();
    await new Promise((r) => setTimeout(r, 100));
    const raw = await RawSocket.open({ port, nodeKey: flooder.nodeKey, localAddress: FROM.messages });
    raw.write(Buffer.concat(Array.from({ length: 200 }, () => clientFrame(TEXT, '{}'))));
    expect(await raw.waitClosed()).toBe(true);
    expect(raw.closeCode).toBe(1008);
    expect(raw.closeReason).toContain('messages per second');
  });

  it('drops a slow upgrade (slowloris) and a silent connection after the handshake timeout', async () => {
    const slow = net.connect({ port, host: '127.0.0.1', localAddress: FROM.slow });
    slow.on('error', () => undefined);
    const slowClosed = new Promise<number>((r) => slow.once('close', () => r(Date.now())));
    const silent = net.connect({ port, host: '127.0.0.1', localAddress: FROM.slow });
    silent.on('error', () => undefined);
    silent.resume();
    const silentClosed = new Promise<number>((r) => silent.once('close', () => r(Date.now())));
    const start = Date.now();
    let answered = '';
    slow.on('data', (d: Buffer) => (answered += d.toString()));
    slow.write('GET /v1/agent HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const drip = setInterval(() => slow.write(`X-Drip-${Date.now()}: 1\r\n`), 200);
    const within = (p: Promise<number>) => Promise.race([p, new Promise<undefined>((r) => setTimeout(() => r(undefined), 15_000))]);
    const [slowAt, silentAt] = await Promise.all([within(slowClosed), within(silentClosed)]);
    clearInterval(drip);
    slow.destroy();
    silent.destroy();
    expect(slowAt, `the slow upgrade is dropped (answered: ${JSON.stringify(answered.slice(0, 200))})`).toBeDefined();
    expect(silentAt, 'the silent connection is dropped').toBeDefined();
    // Not before the timeout: the limit is the configured 1.5 s, not something stricter.
    expect((slowAt as number) - start).toBeGreaterThanOrEqual(1_400);
    expect((silentAt as number) - start).toBeGreaterThanOrEqual(1_400);
    expect(answered).not.toContain('101 Switching Protocols');
  });

  it('answers upgrade floods from one address with 429 and Retry-After, without upgrading', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      const raw = await RawSocket.open({ port, nodeKey: 'x'.repeat(43), localAddress: FROM.rate });
      statuses.push(raw.status);
      raw.destroy();
    }
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(15);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    // Other addresses are not affected.
    await stillServes(collector.url);
  });

  it('caps open connections per source address while other addresses connect normally', async () => {
    const sockets = await Promise.all(
      Array.from({ length: 36 }, () => {
        const s = net.connect({ port, host: '127.0.0.1', localAddress: FROM.cap });
        s.on('error', () => undefined);
        s.resume();
        return new Promise<{ s: net.Socket; closed: boolean }>((resolve) => {
          const entry = { s, closed: false };
          s.once('close', () => (entry.closed = true));
          s.once('connect', () => resolve(entry));
        });
      }),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(sockets.filter((e) => e.closed)).toHaveLength(6);
    await stillServes(collector.url);
    for (const e of sockets) e.s.destroy();
  });

  it('rate-limits enrollment per source address with 429 and Retry-After', async () => {
    const answers = [];
    for (let i = 0; i < 14; i++) answers.push(await enrollFrom(collector.url, 'wrong-secret-but-long-enough', FROM.enroll));
    expect(answers.slice(0, 10).every((a) => a.status === 401)).toBe(true);
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(3);
    expect(Number(limited[0]?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(limited[0]?.body ?? '{}').error.code).toBe('SIAGA_ERR_RATE_LIMITED');
    expect((await enrollFrom(collector.url, SECRET, '127.0.0.1')).status).toBe(200);
  });

  it('drops an agent that stops answering pings; one that answers stays', async () => {
    const silent = new RawAgent(collector.url);
    await silent.enroll(SECRET);
    await silent.connect(silent.nodeKey, { autoPong: false });
    silent.hello();
    await silent.next((f) => f.type === 'welcome');
    const awake = await legitAgent(collector.url);
    const closed = await Promise.race([silent.closed(), new Promise<undefined>((r) => setTimeout(() => r(undefined), 5_000))]);
    expect(closed, 'the silent agent is dropped').toBeDefined();
    expect(awake.ws.readyState).toBe(WebSocket.OPEN);
    awake.report(1);
    expect((await awake.next((f) => f.type === 'ack')).seq).toBe(1);
    awake.ws.close();
    // The log line travels through the collector's stdout, which may lag behind the socket.
    await waitFor(() => collector.lines.find((l) => l.msg === 'agent did not answer the heartbeat: dropping its connection' && l.host === silent.hostId), 'the heartbeat drop in the log', 5_000);
  });

  it('pings only a connection quiet either way: an agent that keeps reporting (and is acked) is not pinged, a quiet one is and stays while it answers', async () => {
    const agent = await legitAgent(collector.url);
    let pings = 0;
    agent.ws.on('ping', () => (pings += 1));
    let seq = 0;
    const reporting = setInterval(() => agent.report(++seq), 100);
    await new Promise((r) => setTimeout(r, 1_600));
    clearInterval(reporting);
    expect(pings, 'pings while reporting every 100 ms (heartbeat 400 ms)').toBe(0);
    await new Promise((r) => setTimeout(r, 1_600));
    expect(pings).toBeGreaterThanOrEqual(1);
    expect(agent.ws.readyState).toBe(WebSocket.OPEN);
    // Talking but sent nothing back (frames the collector does not answer, as reports whose acks
    // wait behind a backlog): pinged, so the agent hears the collector is there.
    pings = 0;
    const talking = setInterval(() => agent.send({ v: 1, type: 'error', code: 'SIAGA_ERR_TEST', message: 'no answer expected' }), 100);
    await new Promise((r) => setTimeout(r, 1_600));
    clearInterval(talking);
    expect(pings).toBeGreaterThanOrEqual(1);
    expect(agent.ws.readyState).toBe(WebSocket.OPEN);
    agent.ws.close();
  });

  it('stayed up without an uncaught error', () => {
    expect(collector.child.exitCode).toBeNull();
    expect(collector.lines.filter((l) => /uncaught|unhandled/i.test(String(l.msg)))).toEqual([]);
  });
});
