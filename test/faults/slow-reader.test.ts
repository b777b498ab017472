import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCollector, startCollector } from '../harness/processes.js';
import { RawAgent } from '../harness/raw-agent.js';
import { clientFrame, RawSocket } from '../harness/raw-socket.js';
import { tempDir } from '../harness/tmp.js';

const SECRET = 'slow-reader-secret-000001';

describe('an agent that stops reading', () => {
  const tmp = tempDir('slow-reader');
  let collector: RunningCollector;

  beforeAll(async () => {
    collector = await startCollector(tmp.dir, {
      enroll: { secrets: [SECRET] },
      // Rates out of the way: this is about what piles up towards the agent.
      gateway: { messageRate: { perSecond: 100_000, burst: 100_000 }, frameRate: { perSecond: 100_000, burst: 100_000 }, maxBufferedBytes: 65_536 },
    });
  });
  afterAll(async () => {
    await collector?.stop();
    tmp.remove();
  });

  it('is dropped once the answers queued for it pass maxBufferedBytes, and the collector carries on', async () => {
    const agent = new RawAgent(collector.url);
    await agent.enroll(SECRET);
    const raw = await RawSocket.open({ port: collector.port, nodeKey: agent.nodeKey });
    expect(raw.status).toBe(101);
    // Never read again: the kernel buffers fill, then the collector's own queue grows.
    raw.socket.pause();
    const hello = { v: 1, type: 'hello', agentVersion: 'test', host: { id: agent.agentId, hostname: agent.hostname }, os: { platform: 'linux', distro: 'Debian', release: '12', arch: 'x64' }, lastAckedSeq: 0, sentAt: Date.now() };
    raw.write(clientFrame(0x1, JSON.stringify(hello)));
    // Each of these earns a ~2 KiB error frame naming the invalid fields.
    const invalid = clientFrame(0x1, JSON.stringify({ v: 1, type: 'report', seq: 1, collectedAt: Date.now(), metrics: Array.from({ length: 60 }, () => ({ m: 'mem', fields: { used_percent: { level: 'high' } } })) }));
    for (let sent = 0; sent < 40_000 && !raw.closed; sent += 200) {
      if (!raw.write(Buffer.concat(Array.from({ length: 200 }, () => invalid)))) await new Promise((r) => raw.socket.once('drain', r).once('close', r));
      if (collector.lines.some((l) => l.msg === 'agent does not read what it is sent: dropping its connection')) break;
    }
    const dropped = await collector.waitForLog('agent does not read what it is sent: dropping its connection', 30_000);
    expect(dropped.host).toBe(agent.hostId);
    expect(Number(dropped.bufferedBytes)).toBeGreaterThan(65_536);
    raw.destroy();

    const next = new RawAgent(collector.url);
    await next.enroll(SECRET);
    await next.connect();
    next.hello();
    await next.next((f) => f.type === 'welcome');
    next.report(1);
    expect((await next.next((f) => f.type === 'ack')).seq).toBe(1);
    next.ws.close();
  });
});
