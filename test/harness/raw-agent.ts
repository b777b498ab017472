import { randomBytes, randomUUID } from 'node:crypto';
import WebSocket from 'ws';

/** A hand-driven agent for protocol tests: enrolls over HTTP and speaks raw frames. */
export class RawAgent {
  readonly received: Array<Record<string, unknown>> = [];
  private waiters: Array<() => void> = [];
  ws!: WebSocket;
  nodeKey = '';
  hostId = '';
  readonly agentId = randomUUID();

  constructor(readonly baseUrl: string, readonly hostname = `raw-${randomBytes(3).toString('hex')}`) {}

  async enroll(secret: string, nonce = randomBytes(16).toString('base64url')): Promise<Response> {
    const res = await fetch(`${this.baseUrl}/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        enrollSecret: secret,
        nonce,
        host: { id: this.agentId, hostname: this.hostname },
        os: { platform: 'linux', distro: 'Debian', release: '12', arch: 'x64' },
        agentVersion: 'test',
      }),
    });
    if (res.ok) {
      const body = (await res.clone().json()) as { hostId: string; nodeKey: string };
      this.hostId = body.hostId;
      this.nodeKey = body.nodeKey;
    }
    return res;
  }

  connect(key = this.nodeKey, options: { localAddress?: string; autoPong?: boolean; ca?: string } = {}): Promise<void> {
    const url = this.baseUrl.replace(/^http/, 'ws') + '/v1/agent';
    this.ws = new WebSocket(url, { headers: { authorization: `Bearer ${key}` }, ...options });
    this.ws.on('message', (data) => {
      this.received.push(JSON.parse(String(data)) as Record<string, unknown>);
      this.waiters.splice(0).forEach((w) => w());
    });
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      this.ws.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  hello(lastAckedSeq = 0): void {
    this.send({
      v: 1,
      type: 'hello',
      agentVersion: 'test',
      host: { id: this.agentId, hostname: this.hostname },
      os: { platform: 'linux', distro: 'Debian', release: '12', arch: 'x64' },
      lastAckedSeq,
      sentAt: Date.now(),
    });
  }

  report(seq: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const frame = { v: 1, type: 'report', seq, collectedAt: Date.now(), metrics: [{ m: 'mem', fields: { used_percent: 40 + seq } }], checks: [], ...extra };
    this.send(frame);
    return frame;
  }

  /** Resolves with the first received frame (from now on or already received after `from`) that matches. */
  async next(match: (f: Record<string, unknown>) => boolean, timeoutMs = 10_000, from = 0): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.slice(from).find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching frame within ${timeoutMs} ms; received ${JSON.stringify(this.received.slice(-5))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  closed(): Promise<{ code: number; reason: string }> {
    return new Promise((resolve) => this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }
}
