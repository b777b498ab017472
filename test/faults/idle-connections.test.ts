import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { getJson } from '../harness/api.js';
import { waitFor } from '../harness/ports.js';
import { type RunningCollector, startCollector } from '../harness/processes.js';
import { RawAgent } from '../harness/raw-agent.js';
import { RawSocket } from '../harness/raw-socket.js';
import { tempDir } from '../harness/tmp.js';

const SECRET = 'idle-connections-secret-01';
const SILENT = 1_200;
const UNAUTHENTICATED = 400;
const AUTHENTICATED = 400;
/** Idle clients come from their own loopback addresses, a hundred or two per address. */
const source = (group: number, i: number) => `127.0.${group}.${(i % 5) + 1}`;

async function inBatches<T>(count: number, size: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += size) out.push(...(await Promise.all(Array.from({ length: Math.min(size, count - i) }, (_, j) => make(i + j)))));
  return out;
}

describe('2,000 idle connections', () => {
  const tmp = tempDir('idle');
  let collector: RunningCollector;
  const sockets: net.Socket[] = [];
  const idleAgents: WebSocket[] = [];

  beforeAll(async () => {
    collector = await startCollector(tmp.dir, {
      enroll: { secrets: [SECRET] },
      // Enrolling the idle agents quickly is set-up, not the subject.
      gateway: { handshakeTimeoutMs: 8_000, enrollRate: { perSecond: 1_000, burst: 1_000 } },
    });
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    for (const ws of idleAgents) ws.terminate();
    await collector?.stop();
    tmp.remove();
  });

  it('holds authenticated idle agents, refuses the rest, drops silent sockets, and a real agent still connects and reports', async () => {
    const keys = await inBatches(AUTHENTICATED, 50, async () => {
      const a = new RawAgent(collector.url);
      expect((await a.enroll(SECRET)).status).toBe(200);
      return a.nodeKey;
    });

    // Small batches: a burst larger than the listen backlog leaves connections half-accepted for seconds on a busy machine.
    const silent = await inBatches(SILENT, 100, (i) => {
      const s = net.connect({ port: collector.port, host: '127.0.0.1', localAddress: source(1, i) });
      s.on('error', () => undefined);
      // Flowing, so the server's FIN is seen (a paused socket that never reads may never emit 'close').
      s.resume();
      sockets.push(s);
      const entry = { closed: false };
      s.once('close', () => (entry.closed = true));
      return new Promise<{ closed: boolean }>((resolve) => s.once('connect', () => resolve(entry)));
    });

    const refused = await inBatches(UNAUTHENTICATED, 50, async (i) => {
      const raw = await RawSocket.open({ port: collector.port, localAddress: source(2, i), ...(i % 2 ? { nodeKey: 'y'.repeat(43) } : {}) });
      const closed = await raw.waitClosed(5_000);
      return { status: raw.status, closed };
    });
    expect(refused.every((r) => r.status === 401 && r.closed)).toBe(true);

    await inBatches(AUTHENTICATED, 50, (i) => {
      const ws = new WebSocket(`ws://127.0.0.1:${collector.port}/v1/agent`, { headers: { authorization: `Bearer ${keys[i]}` }, localAddress: source(3, i) });
      idleAgents.push(ws);
      return new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
    });
    expect(silent.filter((s) => s.closed)).toHaveLength(0);

    // With all of that open, a real agent enrolls, connects and is acknowledged.
    const agent = new RawAgent(collector.url);
    expect((await agent.enroll(SECRET)).status).toBe(200);
    await agent.connect();
    agent.hello();
    await agent.next((f) => f.type === 'welcome');
    agent.report(1);
    expect((await agent.next((f) => f.type === 'ack')).seq).toBe(1);
    const health = await getJson<{ agentsConnected: number }>(`${collector.url}/healthz`);
    expect(health.agentsConnected).toBe(AUTHENTICATED + 1);

    // Silent sockets go at the handshake timeout; authenticated idle agents stay.
    await waitFor(() => (silent.every((s) => s.closed) ? true : undefined), 'silent sockets to be dropped', 30_000, 250);
    expect(idleAgents.filter((ws) => ws.readyState === WebSocket.OPEN)).toHaveLength(AUTHENTICATED);
    agent.report(2);
    expect((await agent.next((f) => f.type === 'ack' && f.seq === 2)).seq).toBe(2);
    agent.ws.close();
    expect(collector.child.exitCode).toBeNull();
  }, 120_000);
});
