import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tcpProbe } from './tcp.js';
import type { ProbeContext } from './types.js';

const ctx = (signal = new AbortController().signal): ProbeContext => ({ platform: process.platform, signal, run: async () => ({ stdout: Buffer.alloc(0), stderr: '', code: 127 }), memo: new Map(), now: Date.now });

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

describe('tcp probe (loopback)', () => {
  const server = net.createServer((s) => s.end());
  let open = 0;
  let closed = 0;
  beforeAll(async () => {
    open = await listen(server);
    const gone = net.createServer();
    closed = await listen(gone);
    await new Promise((r) => gone.close(r));
  });
  afterAll(() => server.close());

  it('connects, or says "connection refused"; tags the configured name', async () => {
    const config = tcpProbe.configSchema.parse({ targets: [{ name: 'sql', host: '127.0.0.1', port: open }, { name: 'licence', host: 'localhost', port: closed }] });
    const [ok, refused] = await tcpProbe.collect(ctx(), config);
    expect(ok?.tags).toEqual({ app: 'sql', protocol: 'tcp' });
    expect(ok?.fields).toMatchObject({ result_code: 0, ok: 1 });
    expect(ok?.fields.error).toBeUndefined();
    expect(refused?.fields).toMatchObject({ result_code: 2, ok: 0, error: 'connection refused' });
  });

  it('an aborted probe reports a timeout instead of hanging', async () => {
    const controller = new AbortController();
    controller.abort();
    // A listening server with a full backlog is not reliable on loopback; abort before connect instead.
    const [m] = await tcpProbe.collect(ctx(controller.signal), tcpProbe.configSchema.parse({ targets: [{ name: 'sql', host: '127.0.0.1', port: open, timeoutMs: 500 }] }));
    expect(m?.fields).toMatchObject({ result_code: 1, ok: 0, error: 'timeout after 0.5 s (connecting)' });
  });

  it('validates hosts, ports and timeouts', () => {
    for (const targets of [[{ name: 'x', host: 'a;b', port: 80 }], [{ name: 'x', host: '10.0.0.1', port: 0 }], [{ name: 'x', host: '10.0.0.1', port: 80, timeoutMs: 10_000 }]]) {
      expect(tcpProbe.configSchema.safeParse({ targets }).success, JSON.stringify(targets)).toBe(false);
    }
  });
});
