import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import type { HostRecord } from '../store/hosts.js';
import { AgentConnection, type ConnectionDeps } from './connection.js';

/** Just enough of a ws socket to watch what the connection sends and when it gives up. */
class FakeSocket extends EventEmitter {
  readyState = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  terminated = false;
  send(data: string): void {
    this.sent.push(data);
    this.bufferedAmount += data.length;
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
  }
}

const host = { id: 'h1', hostname: 'pc-1', lastSeq: 0 } as HostRecord;

function connection(maxBufferedBytes: number) {
  const ws = new FakeSocket();
  const deps = { log: pino({ level: 'silent' }), now: () => 0, maxBufferedBytes } as unknown as ConnectionDeps;
  return { ws, conn: new AgentConnection(ws as unknown as WebSocket, host, deps) };
}

describe('AgentConnection backpressure', () => {
  it('sends while the agent reads, and drops the connection once too much waits unread', () => {
    const { ws, conn } = connection(1_000);
    const frame = { v: 1, type: 'ack', seq: 1 } as const;
    conn.send(frame);
    ws.bufferedAmount = 0; // the agent read it
    for (let i = 0; i < 100 && !ws.terminated; i++) conn.send(frame);
    expect(ws.terminated).toBe(true);
    // It stopped queueing at the bound (plus the one frame that crossed it).
    expect(ws.sent.length).toBeLessThan(1_000 / JSON.stringify(frame).length + 3);
    const count = ws.sent.length;
    conn.send(frame);
    expect(ws.sent.length).toBe(count);
  });
});
