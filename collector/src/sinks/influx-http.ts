import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import ipaddr from 'ipaddr.js';
import { classifyAnswer, classifyNetworkError, type WriteAnswer } from './influx-answer.js';
import type { Lines } from './lines.js';

// Writes do not go through the `influx` package's writePoints. It builds each batch as one
// JavaScript string through per-point schema coercion: measured on this project's 2-core machine,
// its payload building costs 1.7–2× the client CPU of lines.ts (20-field points: ~23 µs vs
// ~13 µs per point, batches included), which holds batches as bytes off the JS heap (reference
// figures: ~24 µs vs ~2 µs per point). Above all, writePoints hides the HTTP status and error
// text that decide between retry, spill and dead letter. The package still creates the database
// and pings (influx-admin.ts).

const gzip = promisify(zlib.gzip);
const MAX_ANSWER_BYTES = 64 * 1024;

export interface LineWriterOptions {
  /** InfluxDB 1.x base URL, or a 2.x/3.x server's v1 compatibility base URL (a path prefix is kept). */
  url: string;
  database: string;
  retentionPolicy?: string;
  username?: string;
  password?: string;
  /** 2.x/3.x API token, sent as `Authorization: Token …` (wins over username/password). */
  token?: string;
  timeoutMs: number;
  /** Sockets kept open to InfluxDB. */
  maxSockets: number;
  gzip: boolean | 'auto';
}

/** Whether `auto` compression applies: InfluxDB is not on this machine's loopback. */
export function gzipFor(url: string, gzip: boolean | 'auto'): boolean {
  if (gzip !== 'auto') return gzip;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost') return false;
  return !(ipaddr.isValid(host) && ipaddr.process(host).range() === 'loopback');
}

/**
 * Sends line protocol to `POST /write?db=&rp=&precision=ms` over keep-alive connections (gzipped
 * unless InfluxDB is on loopback), and turns every outcome into a `WriteAnswer` (it never throws).
 */
export class LineWriter {
  private readonly agent: http.Agent;
  private readonly target: URL;
  private readonly transport: typeof http | typeof https;
  private readonly auth: string | undefined;
  private readonly gzip: boolean;

  constructor(private readonly opts: LineWriterOptions) {
    this.gzip = gzipFor(opts.url, opts.gzip);
    const base = new URL(opts.url);
    this.target = new URL(`${base.pathname.replace(/\/+$/, '')}/write`, base);
    this.target.searchParams.set('db', opts.database);
    if (opts.retentionPolicy) this.target.searchParams.set('rp', opts.retentionPolicy);
    this.target.searchParams.set('precision', 'ms');
    this.transport = base.protocol === 'https:' ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true, maxSockets: opts.maxSockets });
    if (opts.token) this.auth = `Token ${opts.token}`;
    else if (opts.username !== undefined) this.auth = `Basic ${Buffer.from(`${opts.username}:${opts.password ?? ''}`).toString('base64')}`;
  }

  async write(lines: Lines): Promise<WriteAnswer> {
    const body = this.gzip ? await gzip(lines.bytes, { level: 1 }) : lines.bytes;
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length };
    if (this.gzip) headers['content-encoding'] = 'gzip';
    if (this.auth) headers.authorization = this.auth;
    return new Promise<WriteAnswer>((resolve) => {
      let settled = false;
      const finish = (answer: WriteAnswer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(answer);
      };
      const req = this.transport.request(this.target, { method: 'POST', agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_ANSWER_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => {
          const errorHeader = res.headers['x-influxdb-error'];
          finish(classifyAnswer(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), typeof errorHeader === 'string' ? errorHeader : undefined));
        });
        res.on('error', (err) => finish(classifyNetworkError(err)));
      });
      const timer = setTimeout(() => {
        const err = Object.assign(new Error(`no answer within ${this.opts.timeoutMs} ms`), { code: 'ETIMEDOUT' });
        req.destroy(err);
        finish(classifyNetworkError(err));
      }, this.opts.timeoutMs);
      req.on('error', (err) => finish(classifyNetworkError(err)));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
