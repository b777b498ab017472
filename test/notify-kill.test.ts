import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from './harness/ports.js';
import { LoggedProcess, REPO_ROOT } from './harness/processes.js';
import { tempDir } from './harness/tmp.js';

const CHILD = path.join(REPO_ROOT, 'test/harness/notify-child.mjs');
const secret = `whsec_${randomBytes(32).toString('base64')}`;

interface Received {
  id: string;
  body: string;
  headers: Record<string, string>;
  answer: number | 'hung';
}

describe('webhook outbox across a kill -9', () => {
  const tmp = tempDir('notify-kill');
  const received: Received[] = [];
  let healthy = false;
  // Fails with 500 twice, then holds the third request open (the sender is killed during it),
  // fails until the test says the receiver is healthy, then accepts.
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = received.length;
      const answer = healthy ? 200 : n === 2 ? 'hung' : 500;
      received.push({ id: String(req.headers['webhook-id']), body: Buffer.concat(chunks).toString(), headers: req.headers as Record<string, string>, answer });
      if (answer === 'hung') return;
      res.writeHead(answer).end();
    });
  });
  const children: LoggedProcess[] = [];

  const startChild = (name: string, url: string, mode: 'enqueue' | 'resume') => {
    const child = spawn(process.execPath, [CHILD, path.join(tmp.dir, 'data'), url, secret, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    const proc = new LoggedProcess(name, child);
    children.push(proc);
    return proc;
  };

  afterAll(async () => {
    await Promise.all(children.map((c) => c.stop('SIGKILL')));
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    tmp.remove();
  });

  it('a new process delivers the notification a killed one was retrying, with the original webhook-id', async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

    const first = startChild('outbox-1', url, 'enqueue');
    const enqueued = await first.waitForLog('enqueued');
    const [id] = enqueued.ids as string[];
    expect(id).toMatch(/^msg_/);

    // Two failed attempts, the third in flight: kill -9 now.
    await waitFor(() => (received.length >= 3 ? true : undefined), 'the third attempt to arrive');
    first.child.kill('SIGKILL');
    await first.exited;
    expect(first.lines.some((l) => l.msg === 'webhook delivered')).toBe(false);
    const beforeRestart = received.length;

    healthy = true;
    const second = startChild('outbox-2', url, 'resume');
    const delivered = await second.waitForLog('webhook delivered');
    expect(delivered.delivery).toBe(id);
    expect(second.lines.find((l) => l.msg === 'resuming pending webhook deliveries')?.pending).toBe(1);

    // The resumed process needed exactly one more request; every request carried the original id.
    expect(received.length).toBe(beforeRestart + 1);
    expect(received.map((r) => r.answer)).toEqual([500, 500, 'hung', 200]);
    expect(new Set(received.map((r) => r.id))).toEqual(new Set([id]));
    const accepted = received.at(-1)!;
    const payload = new Webhook(secret).verify(accepted.body, accepted.headers) as { status: string; alerts: Array<{ labels: Record<string, string> }> };
    expect(payload.status).toBe('firing');
    expect(payload.alerts[0]?.labels.hostname).toBe('WS-031');
    expect(delivered.attempt).toBe(4);
    await second.stop();
  });
});
