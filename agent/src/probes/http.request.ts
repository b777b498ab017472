import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { describeNetError, formatSeconds, type NetFailure, tlsFailure } from './net-errors.js';

export interface HttpCheckRequest {
  url: URL;
  method: 'GET' | 'HEAD';
  timeoutMs: number;
  /** Stop reading the body after this many bytes (enough for a health page's "OK"). */
  maxBodyBytes: number;
  /** Extra trusted CA certificates (PEM), on top of the built-in roots. */
  ca?: string;
  insecureSkipVerify: boolean;
  signal?: AbortSignal;
}

export interface HttpCheckResponse {
  status?: number;
  body?: string;
  elapsedMs: number;
  /** Days until the server certificate expires (negative once expired); https only. */
  certDaysLeft?: number;
  failure?: NetFailure;
}

class RequestTimeout extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * One HTTP(S) request with a hard overall timeout. For https the certificate is verified before
 * the request is sent (so nothing goes to an untrusted server) but always read, so an expired
 * certificate still reports its days left.
 */
export function httpCheck(req: HttpCheckRequest): Promise<HttpCheckResponse> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const isHttps = req.url.protocol === 'https:';
  const host = req.url.hostname.replace(/^\[|\]$/g, '');
  let certDaysLeft: number | undefined;
  let tlsRefusal: NetFailure | undefined;
  let connection: net.Socket | undefined;
  // Where a timeout struck tells the helpdesk which layer is slow.
  let phase = net.isIP(host) ? 'connecting' : `resolving ${host}`;
  const follow = (socket: net.Socket) => {
    connection = socket;
    socket.once('lookup', () => (phase = 'connecting'));
    socket.once('connect', () => (phase = isHttps ? 'TLS handshake' : 'waiting for the response'));
  };

  const createConnection = (options: http.ClientRequestArgs, done: (err: Error | null, socket?: net.Socket) => void): undefined => {
    if (!isHttps) {
      const socket = net.connect({ host, port: Number(options.port) });
      follow(socket);
      done(null, socket);
      return undefined;
    }
    const socket = tls.connect({
      host,
      port: Number(options.port),
      ...(net.isIP(host) ? {} : { servername: host }),
      ca: req.ca ? [...tls.rootCertificates, req.ca] : undefined,
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    follow(socket);
    const onError = (err: Error) => done(err);
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      socket.off('error', onError);
      phase = 'waiting for the response';
      const validTo = socket.getPeerCertificate()?.valid_to;
      if (validTo) certDaysLeft = (Date.parse(validTo) - Date.now()) / 86_400_000;
      if (!socket.authorized && !req.insecureSkipVerify) {
        tlsRefusal = tlsFailure(String(socket.authorizationError ?? 'UNTRUSTED'));
        socket.destroy();
        done(new Error(tlsRefusal.message));
        return;
      }
      done(null, socket);
    });
    return undefined;
  };

  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: Omit<HttpCheckResponse, 'elapsedMs' | 'certDaysLeft'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      // A TLS handshake that never completed has no request to own its socket yet.
      connection?.destroy();
      resolve({ ...r, elapsedMs: elapsed(), ...(certDaysLeft !== undefined ? { certDaysLeft } : {}) });
    };
    const fail = (err: unknown) => {
      if (err instanceof RequestTimeout) finish({ failure: { kind: 'timeout', message: `timeout after ${formatSeconds(req.timeoutMs)} (${phase})` } });
      else finish({ failure: tlsRefusal ?? describeNetError(err, req.timeoutMs) });
    };
    const request = (isHttps ? https : http).request(req.url, {
      method: req.method,
      // No agent: with one, Node would open the connection itself and skip createConnection.
      createConnection: createConnection as unknown as http.RequestOptions['createConnection'],
      headers: { 'user-agent': 'siaga-agent', accept: '*/*', connection: 'close' },
    });
    // A request still waiting for its connection emits nothing when destroyed: fail it here too.
    const onAbort = () => {
      const timeout = new RequestTimeout();
      request.destroy(timeout);
      fail(timeout);
    };
    const timer = setTimeout(onAbort, req.timeoutMs);
    req.signal?.addEventListener('abort', onAbort, { once: true });
    if (req.signal?.aborted) onAbort();
    request.on('error', fail);
    request.on('response', (res) => {
      phase = 'reading the body';
      const status = res.statusCode ?? 0;
      if (req.method === 'HEAD') {
        res.resume();
        finish({ status });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        finish({ status, body: Buffer.concat(chunks).subarray(0, req.maxBodyBytes).toString('utf8') });
        res.destroy();
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= req.maxBodyBytes) done();
      });
      res.on('end', done);
      res.on('error', (err) => (size > 0 ? done() : fail(err)));
    });
    request.end();
  });
}
