import { ErrorCode } from '@siaga/shared';
import { describe, expect, it } from 'vitest';
import { parseNotifyConfig } from './config.js';

const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

function errorOf(raw: unknown): { code: string; path: string; message: string } {
  try {
    parseNotifyConfig(raw);
  } catch (err) {
    return err as { code: string; path: string; message: string };
  }
  throw new Error('expected the config to be refused');
}

describe('notify config', () => {
  it('fills defaults: alertmanager format, 10 s timeout, retry policy, nothing allowed', () => {
    const config = parseNotifyConfig({ receivers: [{ name: 'oncall', url: 'https://oncall.example.com/hook', secret }] });
    expect(config.receivers[0]).toMatchObject({ format: 'alertmanager', timeoutMs: 10_000, maxAlerts: 0 });
    expect(config.retry).toEqual({ baseDelayMs: 1_000, maxDelayMs: 300_000, maxAttempts: 30, maxAgeMs: 86_400_000 });
    expect(config.allowNetworks).toEqual([]);
    expect(config.concurrency).toBe(4);
    expect(parseNotifyConfig(undefined).receivers).toEqual([]);
  });

  it.each([
    [{ receivers: [{ name: 'a', url: 'ftp://x.example.com' }] }, 'notify.receivers[0].url'],
    [{ receivers: [{ name: 'a', url: 'https://x.example.com', secret: 'hunter2' }] }, 'notify.receivers[0].secret'],
    [{ receivers: [{ name: 'a', url: 'https://x.example.com', secret: 'whsec_c2hvcnQ=' }] }, 'notify.receivers[0].secret'],
    [{ receivers: [{ name: 'pd', url: 'https://events.pagerduty.com/v2/enqueue', format: 'pagerduty' }] }, 'notify.receivers[0].routingKey'],
    [{ receivers: [{ name: 'a', url: 'https://x.example.com', format: 'teams' }] }, 'notify.receivers[0].format'],
    [{ receivers: [{ name: 'a', url: 'https://x.example.com', headers: { 'Webhook-Signature': 'x' } }] }, 'notify.receivers[0].headers.Webhook-Signature'],
    [{ receivers: [{ name: 'a', url: 'https://x.example.com', timeoutMs: '5s' }] }, 'notify.receivers[0].timeoutMs'],
    [{ receivers: [{ name: 'a', url: 'https://x.example.com' }, { name: 'a', url: 'https://y.example.com' }] }, 'notify.receivers[1].name'],
    [{ allowNetworks: ['127.0.0.0/8', '10.0.0.0/33'] }, 'notify.allowNetworks[1]'],
    [{ retry: { maxAttempts: 0 } }, 'notify.retry.maxAttempts'],
    [{ retry: { baseDelayMs: 5_000, maxDelayMs: 1_000 } }, 'notify.retry.maxDelayMs'],
    [{ retries: {} }, 'notify'],
  ])('names the offending field: %j → %s', (raw, path) => {
    const err = errorOf(raw);
    expect(err.code).toBe(ErrorCode.invalidConfig);
    expect(err.path).toBe(path);
    expect(err.message).toContain(path);
  });

  it('accepts single addresses and IPv6 networks in allowNetworks', () => {
    expect(parseNotifyConfig({ allowNetworks: ['::1', '127.0.0.0/8', 'fd00::/8', '10.1.2.3'] }).allowNetworks).toHaveLength(4);
  });
});
