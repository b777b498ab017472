import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

/** One `POST /write` as the fake received it (body gunzipped). */
export interface RecordedWrite {
  at: number;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  lines: string[];
  /** What the fake answered (0 while it hangs or when it reset the connection). */
  status: number;
}

/** An answer: a status with an optional JSON error, `hang` (never answer), or `reset` (drop the socket). */
export type FakeAnswer = { status: number; error?: string } | 'hang' | 'reset';

/**
 * A stand-in InfluxDB on loopback for exact request counting: answers `/ping` and `/query`
 * like 1.x and each `/write` by `respond` (default 204), recording everything.
 */
export class FakeInfluxDB {
  readonly writes: RecordedWrite[] = [];
  readonly queries: string[] = [];
  /** Decides each write's answer; `n` counts writes from 0. */
  respond: (write: RecordedWrite, n: number) => FakeAnswer = () => ({ status: 204 });
  private readonly hanging = new Set<() => void>();
  private readonly server: http.Server;
  port = 0;

  private constructor() {
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  static async start(port = 0): Promise<FakeInfluxDB> {
    const fake = new FakeInfluxDB();
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      fake.server.listen(port, '127.0.0.1', () => resolve());
    });
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Answers the next writes in this order, then 204 to every write. */
  script(...answers: FakeAnswer[]): void {
    const queue = [...answers];
    this.respond = () => queue.shift() ?? { status: 204 };
  }

  /** Lines of the writes answered 2xx, in arrival order. */
  accepted(): string[] {
    return this.writes.filter((w) => w.status >= 200 && w.status < 300).flatMap((w) => w.lines);
  }

  /** Answers every hanging write with 204. */
  release(): void {
    for (const done of [...this.hanging]) done();
  }

  async close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      if (url.pathname === '/ping') {
        res.writeHead(204, { 'X-Influxdb-Version': 'fake-1.6' }).end();
      } else if (url.pathname === '/query') {
        this.queries.push(url.searchParams.get('q') ?? new URLSearchParams(raw.toString()).get('q') ?? '');
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results: [{ statement_id: 0 }] }));
      } else if (url.pathname === '/write') {
        this.write(req, res, url, raw);
      } else {
        res.writeHead(404).end();
      }
    });
  }

  private write(req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: Buffer): void {
    const body = req.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(raw) : raw;
    const write: RecordedWrite = { at: Date.now(), query: url.searchParams, headers: req.headers, lines: body.toString('utf8').split('\n').filter(Boolean), status: 0 };
    const answer = this.respond(write, this.writes.length);
    this.writes.push(write);
    if (answer === 'reset') {
      req.socket.destroy();
      return;
    }
    if (answer === 'hang') {
      const done = () => {
        this.hanging.delete(done);
        write.status = 204;
        if (!res.writableEnded) res.writeHead(204).end();
      };
      this.hanging.add(done);
      return;
    }
    write.status = answer.status;
    if (answer.error === undefined) res.writeHead(answer.status).end();
    else res.writeHead(answer.status, { 'content-type': 'application/json', 'X-Influxdb-Error': answer.error.replace(/\n/g, ' ') }).end(JSON.stringify({ error: answer.error }));
  }
}
