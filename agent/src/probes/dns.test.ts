import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnsProbe, parseServer } from './dns.js';
import type { ProbeContext } from './types.js';

const ctx = (): ProbeContext => ({ platform: process.platform, signal: new AbortController().signal, run: async () => ({ stdout: Buffer.alloc(0), stderr: '', code: 127 }), memo: new Map(), now: Date.now });

function bind(socket: dgram.Socket): Promise<number> {
  return new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket.address().port)));
}

describe('dns probe (loopback only)', () => {
  const silent = dgram.createSocket('udp4');
  let silentPort = 0;
  let closedPort = 0;
  let queriesSeen = 0;

  beforeAll(async () => {
    silent.on('message', () => queriesSeen++);
    silentPort = await bind(silent);
    const probe = dgram.createSocket('udp4');
    closedPort = await bind(probe);
    await new Promise<void>((r) => probe.close(() => r()));
  });
  afterAll(() => silent.close());

  it('parses resolver addresses', () => {
    expect(parseServer('system')).toBe('system');
    expect(parseServer('10.0.0.53')).toEqual({ host: '10.0.0.53', port: 53 });
    expect(parseServer('127.0.0.1:5353')).toEqual({ host: '127.0.0.1', port: 5353 });
    expect(parseServer('[::1]:5353')).toEqual({ host: '::1', port: 5353 });
    expect(parseServer('dns.example')).toBeUndefined();
    expect(parseServer('10.0.0.1:99999')).toBeUndefined();
    expect(dnsProbe.configSchema.safeParse({ queries: [{ domain: '-x' }] }).success).toBe(false);
    expect(dnsProbe.configSchema.safeParse({ queries: [{ domain: 'a.example', recordType: 'MX' }] }).success).toBe(false);
    expect(dnsProbe.configSchema.safeParse({ queryTimeoutMs: 20_000 }).error?.issues[0]?.path).toEqual(['queryTimeoutMs']);
  });

  it('does nothing until configured', async () => {
    expect(await dnsProbe.collect(ctx(), dnsProbe.configSchema.parse({}))).toEqual([]);
  });

  it('system resolver: localhost from the hosts file', async () => {
    const [m] = await dnsProbe.collect(ctx(), dnsProbe.configSchema.parse({ queries: [{ domain: 'localhost' }] }));
    expect(m?.tags).toEqual({ domain: 'localhost', server: 'system', record_type: 'A' });
    expect(m?.fields).toMatchObject({ result_code: 0, resolved: 1, answer: '127.0.0.1' });
    expect(m?.fields.answers).toBeGreaterThanOrEqual(1);
  });

  it('a resolver that never answers: timeout (result_code 1) after the configured time; the query did go out', async () => {
    const config = dnsProbe.configSchema.parse({ queries: [{ domain: 'erp.siaga.test' }], servers: [`127.0.0.1:${silentPort}`], queryTimeoutMs: 400, tries: 2 });
    const [m] = await dnsProbe.collect(ctx(), config);
    expect(m?.fields).toMatchObject({ result_code: 1, resolved: 0, answers: 0, error: 'timeout after 0.4 s' });
    expect(m?.fields.query_time_ms).toBeGreaterThanOrEqual(390);
    expect(queriesSeen).toBeGreaterThanOrEqual(1);
  });

  it('nothing listening: refused (result_code 2)', async () => {
    const config = dnsProbe.configSchema.parse({ queries: [{ domain: 'erp.siaga.test', servers: [`127.0.0.1:${closedPort}`] }], queryTimeoutMs: 1500, tries: 1 });
    const [m] = await dnsProbe.collect(ctx(), config);
    expect(m?.tags?.server).toBe(`127.0.0.1:${closedPort}`);
    expect(m?.fields).toMatchObject({ result_code: 2, resolved: 0, error: 'connection refused (no DNS server listening)' });
  });
});
