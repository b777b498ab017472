import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  headers: http.IncomingHttpHeaders;
  body: string;
  receivedAt: number;
  answered: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Answer this much later. */
  delayMs?: number;
  /** Never answer. */
  hang?: boolean;
}

/** A real webhook receiver on loopback whose answers follow `plan(n)` for the n-th request (0-based). */
export class TestReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly server: http.Server;
  private inFlight = 0;
  maxInFlight = 0;
  url = '';

  constructor(public plan: (n: number, body: string) => Reply) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const n = this.requests.length;
        this.requests.push({ headers: req.headers, body, receivedAt: Date.now(), answered: 0 });
        const reply = this.plan(n, body);
        if (reply.hang) return;
        this.inFlight++;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        setTimeout(() => {
          this.inFlight--;
          res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
          res.end(reply.body ?? '');
        }, reply.delayMs ?? 0);
      });
    });
  }

  async start(host = '127.0.0.1', path = '/hook'): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, host, resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls until `probe` returns a value other than undefined. */
export async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
