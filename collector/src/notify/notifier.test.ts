import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../log.js';
import { type Db, openDatabase } from '../store/db.js';
import { parseNotifyConfig } from './config.js';
import { Notifier } from './notifier.js';
import { sampleNotification } from './notification.testutil.js';
import { type Reply, TestReceiver, until } from './receiver.testutil.js';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const LOOPBACK = ['127.0.0.0/8', '::1'];
const log = createLogger('silent');
const ok: Reply = { status: 200, body: '{"ok":true}' };

describe('notifier outbox with real HTTP receivers', () => {
  let dir: string;
  let db: Db;
  const cleanup: Array<() => Promise<void> | void> = [];

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'siaga-notify-'));
    db = openDatabase(dir);
  });

  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function receiver(plan: (n: number, body: string) => Reply, host?: string): Promise<TestReceiver> {
    const r = await new TestReceiver(plan).start(host);
    cleanup.push(() => r.close());
    return r;
  }

  function notifier(url: string, extra: Record<string, unknown> = {}, database: Db = db): Notifier {
    const config = parseNotifyConfig({
      receivers: [{ name: 'oncall', url, secret, timeoutMs: 2_000 }],
      allowNetworks: LOOPBACK,
      retry: { baseDelayMs: 20, maxDelayMs: 100, maxAttempts: 20, maxAgeMs: 60_000 },
      ...extra,
    });
    const n = new Notifier({ db: database, config, log });
    cleanup.push(() => n.stop());
    return n;
  }

  const status = (n: Notifier, notificationId: string) => n.history({ notificationId })[0]?.status;
  const settled = (n: Notifier, id: string) => until(() => (['delivered', 'failed', 'dead'].includes(status(n, id) ?? '') ? n.history({ notificationId: id })[0] : undefined), `${id} to settle`);

  it('retries through five 500s and delivers once, every attempt with the same verified webhook-id', async () => {
    const rx = await receiver((n) => (n < 5 ? { status: 500, body: 'upstream down' } : ok));
    const n = notifier(rx.url);
    n.start();
    const [id] = n.enqueue(sampleNotification('ntf-retry'), ['oncall']);

    const record = await settled(n, 'ntf-retry');
    expect(record).toMatchObject({ id, status: 'delivered', attempts: 6, lastStatusCode: 200, receiver: 'oncall', format: 'alertmanager' });
    expect(rx.requests).toHaveLength(6);
    const webhook = new Webhook(secret);
    for (const req of rx.requests) {
      expect(req.headers['webhook-id']).toBe(id);
      expect(webhook.verify(req.body, req.headers as Record<string, string>)).toMatchObject({ version: '4', status: 'firing' });
    }
    expect(new Set(rx.requests.map((r) => r.body)).size).toBe(1);
    expect(n.attempts(id!).map((a) => a.statusCode)).toEqual([500, 500, 500, 500, 500, 200]);
    expect(n.attempts(id!)[0]?.error).toBe('HTTP 500: upstream down');
    expect(n.attempts(id!).every((a) => a.address === '127.0.0.1')).toBe(true);
    expect(n.counters()).toEqual({ sent: 1, failed: 0, retried: 5, dead: 0 });
    expect(n.history({ alertId: 'alert-ntf-retry' }).map((d) => d.id)).toEqual([id]);
    expect(n.history({ groupKey: 'site=hq/rule=disk_free/ntf-retry' }).map((d) => d.id)).toEqual([id]);
    expect(n.pendingCount()).toBe(0);
  });

  it('does not retry a 400 and keeps the receiver’s reason', async () => {
    const rx = await receiver(() => ({ status: 400, body: '{"error":"unknown field"}' }));
    const n = notifier(rx.url);
    n.start();
    n.enqueue(sampleNotification('ntf-400'), ['oncall']);
    const record = await settled(n, 'ntf-400');
    expect(record).toMatchObject({ status: 'dead', attempts: 1, lastStatusCode: 400, lastError: 'HTTP 400: {"error":"unknown field"}' });
    // Several backoff periods later there is still exactly one request.
    await new Promise((r) => setTimeout(r, 400));
    expect(rx.requests).toHaveLength(1);
    expect(n.counters()).toEqual({ sent: 0, failed: 0, retried: 0, dead: 1 });
  });

  it('waits for Retry-After on 429 although its own backoff is much shorter', async () => {
    const rx = await receiver((n) => (n === 0 ? { status: 429, headers: { 'retry-after': '1' } } : ok));
    const n = notifier(rx.url);
    n.start();
    n.enqueue(sampleNotification('ntf-429'), ['oncall']);
    await settled(n, 'ntf-429');
    expect(rx.requests).toHaveLength(2);
    // Backoff alone would retry within 20–100 ms; Retry-After asked for a second.
    expect(rx.requests[1]!.receivedAt - rx.requests[0]!.receivedAt).toBeGreaterThanOrEqual(900);
  });

  it('resumes after a restart on the same SQLite file with the same webhook-id', async () => {
    let healthy = false;
    const rx = await receiver(() => (healthy ? ok : { status: 503 }));
    const first = notifier(rx.url);
    first.start();
    const [id] = first.enqueue(sampleNotification('ntf-restart'), ['oncall']);
    await until(() => (rx.requests.length >= 2 ? true : undefined), 'two failed attempts');
    await first.stop();
    db.close();
    const before = rx.requests.length;

    healthy = true;
    const reopened = openDatabase(dir);
    cleanup.push(() => void reopened.close());
    const second = notifier(rx.url, {}, reopened);
    expect(second.pendingCount()).toBe(1);
    second.start();
    const record = await settled(second, 'ntf-restart');
    expect(record).toMatchObject({ id, status: 'delivered' });
    expect(rx.requests.length).toBe(before + 1);
    expect(new Set(rx.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([id]));
    expect(record.attempts).toBe(rx.requests.length);
  });

  it('writes the delivery in the caller’s transaction: a rollback leaves nothing to send', async () => {
    const rx = await receiver(() => ok);
    const n = notifier(rx.url);
    n.start();
    expect(() =>
      db.transaction(() => {
        n.enqueue(sampleNotification('ntf-rolled-back'), ['oncall']);
        throw new Error('alert engine failed after enqueue');
      })(),
    ).toThrow('alert engine failed');
    const ids = db.transaction(() => n.enqueue(sampleNotification('ntf-committed'), ['oncall']))();
    await settled(n, 'ntf-committed');
    expect(n.history({ notificationId: 'ntf-rolled-back' })).toEqual([]);
    expect(rx.requests.map((r) => r.headers['webhook-id'])).toEqual(ids);
  });

  it('delivers a group’s notifications to a receiver in order, even when the first needs retries', async () => {
    const rx = await receiver((n) => (n < 3 ? { status: 502 } : ok));
    const n = notifier(rx.url);
    n.start();
    const groupKey = 'site=hq/rule=disk_free';
    n.enqueue(sampleNotification('ntf-firing', { groupKey }), ['oncall']);
    n.enqueue(sampleNotification('ntf-resolved', { groupKey, status: 'resolved' }), ['oncall']);
    await settled(n, 'ntf-resolved');
    expect(status(n, 'ntf-firing')).toBe('delivered');
    const statuses = rx.requests.map((r) => (JSON.parse(r.body) as { status: string }).status);
    expect(statuses).toEqual(['firing', 'firing', 'firing', 'firing', 'resolved']);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const rx = await receiver(() => ({ ...ok, delayMs: 80 }));
    const n = notifier(rx.url, { concurrency: 2 });
    n.start();
    for (let i = 0; i < 8; i++) n.enqueue(sampleNotification(`ntf-c${i}`), ['oncall']);
    await until(() => (n.counters().sent === 8 ? true : undefined), 'eight deliveries');
    expect(rx.requests).toHaveLength(8);
    expect(rx.maxInFlight).toBe(2);
  });

  it('refuses a loopback receiver that is not allowlisted, without sending anything', async () => {
    const rx = await receiver(() => ok);
    const n = notifier(rx.url, { allowNetworks: [] });
    n.start();
    n.enqueue(sampleNotification('ntf-ssrf'), ['oncall']);
    const record = await settled(n, 'ntf-ssrf');
    expect(record.status).toBe('dead');
    expect(record.lastError).toBe(`webhook ${new URL(rx.url).origin} is 127.0.0.1, a loopback address; add it to notify.allowNetworks to allow it`);
    expect(rx.requests).toHaveLength(0);
  });

  it('connects to the vetted address, not to whatever the name resolves to later', async () => {
    const rx = await receiver(() => ok);
    const config = parseNotifyConfig({ receivers: [{ name: 'oncall', url: `http://alerts.siaga.test:${rx.port}/hook` }], allowNetworks: LOOPBACK });
    let lookups = 0;
    const n = new Notifier({
      db,
      config,
      log,
      resolver: async () => {
        lookups++;
        return [{ address: '127.0.0.1', family: 4 }];
      },
    });
    cleanup.push(() => n.stop());
    n.start();
    n.enqueue(sampleNotification('ntf-pinned'), ['oncall']);
    // The system resolver cannot resolve alerts.siaga.test: the request only arrives if it used the vetted address.
    expect((await settled(n, 'ntf-pinned')).status).toBe('delivered');
    expect(lookups).toBe(1);
    expect(rx.requests[0]?.headers.host).toBe(`alerts.siaga.test:${rx.port}`);
    expect(rx.requests[0]?.headers['webhook-signature']).toBeUndefined();
    expect(rx.requests[0]?.headers['webhook-id']).toMatch(/^msg_/);
  });

  it('reaches IPv6 loopback receivers when ::1 is allowed', async () => {
    const rx = await receiver(() => ok, '::1');
    const n = notifier(rx.url);
    n.start();
    n.enqueue(sampleNotification('ntf-v6'), ['oncall']);
    expect((await settled(n, 'ntf-v6')).status).toBe('delivered');
    expect(n.attempts(n.history({ notificationId: 'ntf-v6' })[0]!.id)[0]?.address).toBe('::1');
  });

  it('fails a delivery after maxAttempts and times out a receiver that never answers', async () => {
    const rx = await receiver(() => ({ status: 0, hang: true }));
    const config = parseNotifyConfig({
      receivers: [{ name: 'oncall', url: rx.url, timeoutMs: 150 }],
      allowNetworks: LOOPBACK,
      retry: { baseDelayMs: 20, maxDelayMs: 40, maxAttempts: 3, maxAgeMs: 60_000 },
    });
    const n = new Notifier({ db, config, log });
    cleanup.push(() => n.stop());
    n.start();
    n.enqueue(sampleNotification('ntf-hang'), ['oncall']);
    const record = await settled(n, 'ntf-hang');
    expect(record.status).toBe('failed');
    expect(record.attempts).toBe(3);
    expect(record.lastError).toContain('timeout after 150 ms');
    expect(record.lastError).toContain('gave up after 3 attempts');
    expect(rx.requests).toHaveLength(3);
    expect(n.counters()).toEqual({ sent: 0, failed: 1, retried: 2, dead: 0 });
  });

  it('sends each receiver its own format and refuses unknown receiver names', async () => {
    const am = await receiver(() => ok);
    const slack = await receiver(() => ok);
    const config = parseNotifyConfig({
      receivers: [
        { name: 'oncall', url: am.url, secret },
        { name: 'chat', url: slack.url, format: 'slack' },
      ],
      allowNetworks: LOOPBACK,
    });
    const n = new Notifier({ db, config, log });
    cleanup.push(() => n.stop());
    expect(() => n.enqueue(sampleNotification('ntf-x'), ['oncall', 'pager'])).toThrow(/unknown receiver pager/);
    expect(n.history({ notificationId: 'ntf-x' })).toEqual([]);
    n.start();
    const ids = n.enqueue(sampleNotification('ntf-both'), ['oncall', 'chat', 'chat']);
    expect(ids).toHaveLength(2);
    await until(() => (n.counters().sent === 2 ? true : undefined), 'both deliveries');
    expect(JSON.parse(am.requests[0]!.body)).toHaveProperty('version', '4');
    expect(JSON.parse(slack.requests[0]!.body)).toHaveProperty('blocks');
  });

  it('abandons pending deliveries whose receiver was removed from the config', async () => {
    const rx = await receiver(() => ({ status: 503 }));
    const first = notifier(rx.url);
    first.enqueue(sampleNotification('ntf-orphan'), ['oncall']);
    await first.stop();
    const other = await receiver(() => ok);
    const config = parseNotifyConfig({ receivers: [{ name: 'chat', url: other.url, format: 'slack' }], allowNetworks: LOOPBACK });
    const second = new Notifier({ db, config, log });
    cleanup.push(() => second.stop());
    second.start();
    const record = await settled(second, 'ntf-orphan');
    expect(record).toMatchObject({ status: 'dead', lastError: 'receiver oncall is no longer configured' });
    expect(rx.requests).toHaveLength(0);
    expect(other.requests).toHaveLength(0);
  });

  it('aborts an attempt in flight on stop and leaves the delivery pending for the next start', async () => {
    const rx = await receiver(() => ({ status: 0, hang: true }));
    const n = notifier(rx.url);
    n.start();
    const [id] = n.enqueue(sampleNotification('ntf-stop'), ['oncall']);
    await until(() => (rx.requests.length === 1 ? true : undefined), 'the attempt to reach the receiver');
    await n.stop();
    expect(n.history({ notificationId: 'ntf-stop' })[0]).toMatchObject({ status: 'pending', attempts: 1 });
    expect(n.attempts(id!)[0]?.error).toMatch(/^attempt aborted/);
    expect(n.counters()).toEqual({ sent: 0, failed: 0, retried: 0, dead: 0 });
  });

  it('prunes finished deliveries and their attempts after historyDays, never pending ones', async () => {
    const rx = await receiver((_n, body) => ((JSON.parse(body) as { status: string }).status === 'firing' ? ok : { status: 503 }));
    let clock = Date.now();
    const config = parseNotifyConfig({ receivers: [{ name: 'oncall', url: rx.url }], allowNetworks: LOOPBACK, historyDays: 30, retry: { maxAgeMs: 7 * 86_400_000 } });
    const first = new Notifier({ db, config, log, now: () => clock });
    cleanup.push(() => first.stop());
    first.start();
    const [done] = first.enqueue(sampleNotification('ntf-old'), ['oncall']);
    first.enqueue(sampleNotification('ntf-stuck', { status: 'resolved' }), ['oncall']);
    await settled(first, 'ntf-old');
    await until(() => (rx.requests.length >= 2 ? true : undefined), 'the stuck delivery to be tried');
    await first.stop();

    clock += 31 * 86_400_000;
    const later = new Notifier({ db, config, log, now: () => clock });
    cleanup.push(() => later.stop());
    later.start();
    expect(later.history({ notificationId: 'ntf-old' })).toEqual([]);
    expect(later.attempts(done!)).toEqual([]);
    expect(later.history({ notificationId: 'ntf-stuck' })[0]?.status).toBe('pending');
  });
});
