import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCollector, startCollector } from './harness/processes.js';
import { RawAgent } from './harness/raw-agent.js';
import { tempDir } from './harness/tmp.js';

const SECRET = 'gateway-protocol-secret-01';

describe('collector gateway and enrollment', () => {
  const tmp = tempDir('gateway');
  let collector: RunningCollector;

  beforeAll(async () => {
    collector = await startCollector(tmp.dir, { enroll: { secrets: [SECRET] } });
  });
  afterAll(async () => {
    await collector?.stop();
    tmp.remove();
  });

  it('refuses enrollment with a wrong secret and names the bad field of a malformed request', async () => {
    const agent = new RawAgent(collector.url);
    const wrong = await agent.enroll('definitely-not-the-secret');
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('SIAGA_ERR_ENROLL_REFUSED');

    const malformed = await fetch(`${collector.url}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ enrollSecret: SECRET, nonce: 'short' }) });
    expect(malformed.status).toBe(400);
    const body = (await malformed.json()) as { error: { code: string; path: string; message: string } };
    expect(body.error.path).toBe('nonce');
    expect(body.error.message).toContain('host');

    const notJson = await fetch(`${collector.url}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"enrollSecret":' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe('SIAGA_ERR_INVALID_JSON');
  });

  it('gives a retried enrollment (same nonce) the same host', async () => {
    const agent = new RawAgent(collector.url);
    const nonce = 'retry-nonce-0123456789';
    expect((await agent.enroll(SECRET, nonce)).status).toBe(200);
    const first = agent.hostId;
    expect((await agent.enroll(SECRET, nonce)).status).toBe(200);
    expect(agent.hostId).toBe(first);
    // The newest key works; the host exists once.
    await agent.connect();
    agent.hello();
    await agent.next((f) => f.type === 'welcome');
    const hosts = (await (await collector.api('/v1/hosts')).json()) as { hosts: Array<{ id: string }> };
    expect(hosts.hosts.filter((h) => h.id === first)).toHaveLength(1);
    agent.ws.close();
  });

  it('refuses the WebSocket upgrade without a valid node key (401 before upgrade)', async () => {
    const agent = new RawAgent(collector.url);
    await expect(agent.connect('x'.repeat(43))).rejects.toThrow('HTTP 401');
    await expect(agent.connect('')).rejects.toThrow('HTTP 401');
  });

  it('answers an invalid frame with an error frame naming the field, and keeps the connection usable', async () => {
    const agent = new RawAgent(collector.url);
    await agent.enroll(SECRET);
    await agent.connect();
    agent.report(1);
    const early = await agent.next((f) => f.type === 'error');
    expect(early.code).toBe('SIAGA_ERR_UNEXPECTED_FRAME');

    agent.hello();
    const welcome = await agent.next((f) => f.type === 'welcome');
    expect(welcome.hostId).toBe(agent.hostId);
    expect(welcome.ackedSeq).toBe(0);

    const mark = agent.received.length;
    agent.send({ v: 1, type: 'report', seq: 1, collectedAt: Date.now(), metrics: [{ m: 'mem', fields: { used_percent: { level: 'high' } } }] });
    agent.send('{not json');
    const invalid = await agent.next((f) => f.type === 'error' && f.code === 'SIAGA_ERR_INVALID_FRAME', 10_000, mark);
    expect(invalid.path).toBe('metrics[0].fields.used_percent');
    expect(invalid.ref).toEqual({ type: 'report', seq: 1 });
    await agent.next((f) => f.type === 'error' && f.code === 'SIAGA_ERR_INVALID_JSON', 10_000, mark);

    agent.report(1);
    const ack = await agent.next((f) => f.type === 'ack', 10_000, mark);
    expect(ack.seq).toBe(1);
    agent.ws.close();
  });

  it('acks duplicates without storing them twice, and resumes after the stored seq on reconnect', async () => {
    const agent = new RawAgent(collector.url);
    await agent.enroll(SECRET);
    await agent.connect();
    agent.hello();
    await agent.next((f) => f.type === 'welcome');
    // Collected on a change: each is kept as the host's latest (interval ones once a minute).
    for (let seq = 1; seq <= 3; seq++) agent.report(seq, { trigger: 'change' });
    await agent.next((f) => f.type === 'ack' && f.seq === 3);
    const mark = agent.received.length;
    agent.report(2, { trigger: 'change', metrics: [{ m: 'mem', fields: { used_percent: 99 } }] });
    const dupAck = await agent.next((f) => f.type === 'ack', 10_000, mark);
    expect(dupAck.seq).toBe(2);
    const detail = (await (await collector.api(`/v1/hosts/${agent.hostId}`)).json()) as { lastSeq: number; latestReport: { seq: number } };
    expect(detail.lastSeq).toBe(3);
    expect(detail.latestReport.seq).toBe(3);
    agent.ws.close();

    const again = new RawAgent(collector.url);
    Object.assign(again, { nodeKey: agent.nodeKey });
    await again.connect();
    again.hello(3);
    const welcome = await again.next((f) => f.type === 'welcome');
    expect(welcome.ackedSeq).toBe(3);
    again.ws.close();
  });

  it('refuses a second live connection with the same node key with 4409', async () => {
    const agent = new RawAgent(collector.url);
    await agent.enroll(SECRET);
    await agent.connect();
    agent.hello();
    await agent.next((f) => f.type === 'welcome');
    const twin = new RawAgent(collector.url);
    await twin.connect(agent.nodeKey);
    const closed = await twin.closed();
    expect(closed.code).toBe(4409);
    // The first connection is unaffected.
    agent.report(1);
    expect((await agent.next((f) => f.type === 'ack')).seq).toBe(1);
    agent.ws.close();
  });

  it('closes its agents with 1012 when it stops, asking them to spread their reconnects', async () => {
    const own = tempDir('gateway-restart');
    const restarting = await startCollector(own.dir, { enroll: { secrets: [SECRET] }, gateway: { reconnectRate: 1 } });
    try {
      const agents = [new RawAgent(restarting.url), new RawAgent(restarting.url)];
      for (const a of agents) {
        await a.enroll(SECRET);
        await a.connect();
        a.hello();
        await a.next((f) => f.type === 'welcome');
      }
      const closed = agents.map((a) => a.closed());
      await restarting.stop();
      // Two agents at one a second would be 2 s: never less than 10 s.
      for (const c of await Promise.all(closed)) expect(c).toEqual({ code: 1012, reason: 'collector restarting; reconnect within 10 s' });
      // The next start reads what it told them: no host is offline before that window is over.
      const notice = JSON.parse(readFileSync(path.join(restarting.dataDir, 'restart-notice.json'), 'utf8'));
      expect(notice.reconnectWithinSec).toBe(10);
      expect(Math.abs(notice.stoppedAt - Date.now())).toBeLessThan(60_000);
    } finally {
      own.remove();
    }
  });
});
