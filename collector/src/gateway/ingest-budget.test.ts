import { EventEmitter } from 'node:events';
import { setImmediate as tick } from 'node:timers/promises';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import type { HostRecord } from '../store/hosts.js';
import { AgentConnection, type ConnectionDeps } from './connection.js';
import { HeldFrames } from './held-frames.js';
import { IngestBudget } from './ingest-budget.js';

/** Just enough of a ws socket: sends are recorded, reading can be paused. */
class FakeSocket extends EventEmitter {
  readyState = 1;
  bufferedAmount = 0;
  paused = false;
  sent: Array<Record<string, unknown>> = [];
  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  terminate(): void {
    this.readyState = 3;
  }
  close(): void {
    this.readyState = 3;
  }
}

const frame = (n: number) => Buffer.from(JSON.stringify({ n }));

describe('ingest budget', () => {
  it('has room below its bound and wakes waiters oldest first once half of it is free, until it is spent again', async () => {
    const budget = new IngestBudget(4, 1_000_000);
    for (let i = 0; i < 4; i++) budget.take();
    expect(budget.hasRoom).toBe(false);
    const woken: string[] = [];
    budget.wait(() => {
      woken.push('a');
      budget.take();
      budget.take();
    });
    budget.wait(() => woken.push('b'));
    const cancel = budget.wait(() => woken.push('c'));
    cancel();
    budget.release();
    await tick();
    expect(woken).toEqual([]); // 3 of 4 still in work: not yet half free
    budget.release();
    await tick();
    // a took two and spent the budget again; b waits for the next time.
    expect(woken).toEqual(['a']);
    expect(budget.stats()).toMatchObject({ inWork: 4, waiting: 1, waits: 3 });
    budget.release();
    budget.release();
    await tick();
    expect(woken).toEqual(['a', 'b']);
  });
});

describe('held frames', () => {
  it('hands frames on at once while there is room, holds them in order while the budget is spent, and releases them with their arrival time when it frees', async () => {
    const ws = new FakeSocket();
    const budget = new IngestBudget(1, 1_000_000);
    const handled: number[] = [];
    const arrived: number[] = [];
    let clock = 1_000;
    const held = new HeldFrames(
      ws as unknown as WebSocket,
      budget,
      (data, at) => {
        handled.push((JSON.parse(String(data)) as { n: number }).n);
        arrived.push(at);
        budget.take();
      },
      () => clock,
    );
    expect(held.offer(frame(1))).toBe(false);
    budget.take();
    for (const n of [2, 3]) {
      clock += 10;
      expect(held.offer(frame(n))).toBe(true);
    }
    clock = 90_000;
    expect(budget.stats().heldBytes).toBe(2 * frame(2).length);
    expect(ws.paused).toBe(false); // still read: pings and pongs keep flowing
    budget.release();
    await tick();
    expect(handled).toEqual([2]);
    budget.release();
    await tick();
    expect(handled).toEqual([2, 3]);
    expect(arrived).toEqual([1_010, 1_020]);
    expect(budget.stats()).toMatchObject({ heldBytes: 0, waiting: 0 });
  });

  it('stops reading an agent that holds more than its window allows, or when all held frames pass the byte limit, and reads again once drained', async () => {
    const ws = new FakeSocket();
    const budget = new IngestBudget(1, 1_000_000);
    budget.take();
    const held = new HeldFrames(ws as unknown as WebSocket, budget, () => budget.take(), Date.now);
    for (let i = 0; i < 64; i++) held.offer(frame(i));
    expect(ws.paused).toBe(false);
    held.offer(frame(64));
    expect(ws.paused).toBe(true);
    expect(held.paused).toBe(true);
    held.drop();
    expect(budget.stats()).toMatchObject({ heldBytes: 0, waiting: 0 });

    const small = new IngestBudget(1, 10);
    small.take();
    const ws2 = new FakeSocket();
    const h2 = new HeldFrames(ws2 as unknown as WebSocket, small, () => undefined, Date.now);
    h2.offer(Buffer.alloc(11));
    expect(ws2.paused).toBe(true);
    small.release();
    await tick();
    expect(ws2.paused).toBe(false);
  });
});

describe('AgentConnection under the ingest budget', () => {
  it('stores at most the budget at once, keeps the rest unparsed, and acks every report in order; a held report counts as received when it arrived', async () => {
    const ws = new FakeSocket();
    const stores: Array<() => void> = [];
    const T0 = 1_790_000_000_000;
    let clock = T0;
    const received: Array<[number, boolean]> = [];
    const ingest = {
      report: (_host: HostRecord, _frame: unknown, receivedAt: number, live: boolean) => {
        received.push([receivedAt, live]);
        return new Promise<void>((resolve) => stores.push(resolve));
      },
      duplicate: () => undefined,
    };
    const policy = { agent: { version: 'p1', intervalSec: 15 } };
    const budget = new IngestBudget(2, 1_000_000);
    const host = { id: 'h1', hostname: 'pc-1', lastSeq: 0 } as HostRecord;
    const deps = {
      log: pino({ level: 'silent' }),
      now: () => clock,
      hosts: { updateFacts: () => undefined, get: () => host },
      policies: { forHost: () => policy },
      ingest,
      budget,
    } as unknown as ConnectionDeps;
    new AgentConnection(ws as unknown as WebSocket, host, deps);
    const send = (f: Record<string, unknown>) => ws.emit('message', Buffer.from(JSON.stringify(f)), false);
    send({ v: 1, type: 'hello', agentVersion: '1', host: { id: '3f1c2a4e-8d7b-4c3a-9e2f-1a2b3c4d5e6f', hostname: 'pc-1' }, os: { platform: 'linux', distro: 'x', release: '1', arch: 'x64' }, lastAckedSeq: 0, sentAt: 1_790_000_000_000 });
    for (let seq = 1; seq <= 5; seq++) send({ v: 1, type: 'report', seq, collectedAt: 1_790_000_000_000 + seq, metrics: [{ m: 'mem', fields: { used: seq } }] });
    expect(stores.length).toBe(2);
    expect(budget.stats().waiting).toBe(1);
    // Handled a minute later (the collector fell behind), the held reports still arrived live.
    clock = T0 + 60_000;
    while (stores.length > 0) {
      stores.shift()?.();
      await tick();
      await tick();
    }
    expect(ws.sent.filter((f) => f.type === 'ack').map((f) => f.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(received).toEqual(Array.from({ length: 5 }, () => [T0, true]));
    expect(budget.stats()).toMatchObject({ inWork: 0, heldBytes: 0, waiting: 0 });
  });

  it('answers a hello at once while the budget is spent; the reports after it wait', () => {
    const ws = new FakeSocket();
    const budget = new IngestBudget(1, 1_000_000);
    budget.take(); // another connection's report
    const host = { id: 'h2', hostname: 'pc-2', lastSeq: 7 } as HostRecord;
    const deps = {
      log: pino({ level: 'silent' }),
      now: () => 1_790_000_000_000,
      hosts: { updateFacts: () => undefined, get: () => host },
      policies: { forHost: () => ({ agent: { version: 'p1', intervalSec: 15 } }) },
      ingest: { report: () => Promise.resolve(), duplicate: () => undefined },
      budget,
    } as unknown as ConnectionDeps;
    new AgentConnection(ws as unknown as WebSocket, host, deps);
    const send = (f: Record<string, unknown>) => ws.emit('message', Buffer.from(JSON.stringify(f)), false);
    send({ v: 1, type: 'hello', agentVersion: '1', host: { id: '3f1c2a4e-8d7b-4c3a-9e2f-1a2b3c4d5e6f', hostname: 'pc-2' }, os: { platform: 'linux', distro: 'x', release: '1', arch: 'x64' }, lastAckedSeq: 7, sentAt: 1_790_000_000_000 });
    expect(ws.sent.map((f) => f.type)).toEqual(['welcome']);
    expect(ws.sent[0]).toMatchObject({ ackedSeq: 7 });
    send({ v: 1, type: 'report', seq: 8, collectedAt: 1_790_000_000_000, metrics: [{ m: 'mem', fields: { used: 1 } }] });
    expect(budget.stats()).toMatchObject({ waiting: 1, inWork: 1 });
  });
});
