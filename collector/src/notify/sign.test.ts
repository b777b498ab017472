import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { signatureHeaders } from './sign.js';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const body = JSON.stringify({ version: '4', status: 'firing', alerts: [{ labels: { alertname: 'disk_free' } }] });
const nowSeconds = () => Math.floor(Date.now() / 1_000);

describe('Standard Webhooks signing', () => {
  it('produces headers the standardwebhooks library verifies', () => {
    const headers = signatureHeaders(secret, 'msg_2b6c1f', nowSeconds(), body);
    expect(headers['webhook-id']).toBe('msg_2b6c1f');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('matches the library’s own signature for the same id, time and body', () => {
    const ts = nowSeconds();
    expect(signatureHeaders(secret, 'msg_x', ts, body)['webhook-signature']).toBe(new Webhook(secret).sign('msg_x', new Date(ts * 1_000), body));
  });

  it('fails verification when the body, the id or the secret differ', () => {
    const headers = signatureHeaders(secret, 'msg_1', nowSeconds(), body);
    expect(() => new Webhook(secret).verify(body.replace('firing', 'resolved'), { ...headers })).toThrow();
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'msg_2' })).toThrow();
    expect(() => new Webhook(`whsec_${randomBytes(32).toString('base64')}`).verify(body, { ...headers })).toThrow();
  });

  it('signs each attempt with its own timestamp under the same id', () => {
    const a = signatureHeaders(secret, 'msg_same', nowSeconds() - 120, body);
    const b = signatureHeaders(secret, 'msg_same', nowSeconds(), body);
    expect(a['webhook-id']).toBe(b['webhook-id']);
    expect(a['webhook-signature']).not.toBe(b['webhook-signature']);
    for (const h of [a, b]) expect(() => new Webhook(secret).verify(body, { ...h })).not.toThrow();
  });
});
