import { ErrorCode } from '@siaga/shared';
import { Router } from 'express';
import type { Access } from '../auth/access.js';
import { principalOf } from '../auth/middleware.js';
import type { Principal } from '../auth/roles.js';
import type { FeedMessage, LiveFeed } from '../live/feed.js';
import { sendError } from './errors.js';

export interface EventStreamOptions {
  feed: LiveFeed<unknown, unknown>;
  access: Access;
  now: () => number;
  /** Comment line keeping proxies from closing an idle stream; also when the credential is re-checked. */
  keepAliveMs?: number;
  maxClients?: number;
}

/** A client this far behind is cut off; it reconnects and reloads the current state. */
const MAX_BUFFERED_BYTES = 1 << 20;

/**
 * `GET /v1/events/stream` (Server-Sent Events): `hosts`, `alerts` and `log` deltas for the
 * board. A stream ends when the session or token that opened it expires or is revoked.
 */
export function eventStreamRouter(opts: EventStreamOptions): Router {
  const router = Router();
  let clients = 0;

  router.get('/v1/events/stream', (req, res) => {
    const principal = principalOf(req) as Principal;
    if (clients >= (opts.maxClients ?? 500)) return sendError(res, ErrorCode.rateLimited, 'too many open event streams');
    clients += 1;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    const send = (m: FeedMessage | { event: 'hello' | 'bye'; data: unknown }) => {
      if (res.writableLength > MAX_BUFFERED_BYTES) return res.end();
      res.write(`event: ${m.event}\ndata: ${JSON.stringify(m.data)}\n\n`);
    };
    res.write('retry: 3000\n\n');
    send({ event: 'hello', data: { at: opts.now(), user: principal.name, role: principal.role } });
    const unsubscribe = opts.feed.subscribe(send);
    const keepAlive = setInterval(() => {
      if (!opts.access.stillValid(principal, opts.now())) {
        send({ event: 'bye', data: { reason: 'signed out' } });
        return res.end();
      }
      res.write(': keep-alive\n\n');
    }, opts.keepAliveMs ?? 15_000);
    keepAlive.unref();
    res.on('close', () => {
      clients -= 1;
      clearInterval(keepAlive);
      unsubscribe();
    });
  });

  return router;
}
