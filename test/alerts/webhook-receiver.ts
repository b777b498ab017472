import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  path: string;
  webhookId: string;
  body: string;
  headers: Record<string, string>;
  receivedAt: number;
  answer: number;
  /** Parsed Alertmanager payload. */
  payload: AlertmanagerPayload;
}

export interface AlertmanagerPayload {
  status: 'firing' | 'resolved';
  receiver: string;
  groupKey: string;
  groupLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  alerts: Array<{ status: string; labels: Record<string, string>; annotations: Record<string, string> }>;
}

/**
 * A webhook receiver on loopback: records every request and answers what `answer` says for its
 * path (200 unless told otherwise). Verifies nothing itself: tests do, with `verifyAll`.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  answer: (path: string, nthForPath: number) => number = () => 200;
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const body = Buffer.concat(chunks).toString();
      const answer = this.answer(path, this.received.filter((r) => r.path === path).length);
      let payload = {} as AlertmanagerPayload;
      try {
        payload = JSON.parse(body) as AlertmanagerPayload;
      } catch {
        // recorded as is; the test will fail on it
      }
      this.received.push({ path, webhookId: String(req.headers['webhook-id']), body, headers: req.headers as Record<string, string>, receivedAt: Date.now(), answer, payload });
      res.writeHead(answer).end();
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Accepted (2xx) requests at a path, one per webhook-id: the logical notifications. */
  delivered(path: string): Received[] {
    const seen = new Map<string, Received>();
    for (const r of this.at(path)) if (r.answer < 300 && !seen.has(r.webhookId)) seen.set(r.webhookId, r);
    return [...seen.values()];
  }

  /** Every request's Standard Webhooks signature checked with the independent verifier; throws on the first bad one. */
  verifyAll(secret: string): number {
    const wh = new Webhook(secret);
    for (const r of this.received) wh.verify(r.body, r.headers);
    return this.received.length;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
