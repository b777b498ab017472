import { describe, expect, it } from 'vitest';
import { collectorUrls } from './urls.js';

describe('collectorUrls', () => {
  it('derives the enroll and WebSocket endpoints, keeping a path prefix', () => {
    const u = collectorUrls('https://collector.example:8443/siaga/', false);
    expect(u.enroll.href).toBe('https://collector.example:8443/siaga/v1/enroll');
    expect(u.agent.href).toBe('wss://collector.example:8443/siaga/v1/agent');
    expect(u.secure).toBe(true);
    expect(collectorUrls('wss://c.example', false).enroll.href).toBe('https://c.example/v1/enroll');
  });

  it('allows plain text to loopback only', () => {
    for (const url of ['http://127.0.0.1:8080', 'ws://localhost:8080', 'http://[::1]:8080', 'ws://127.3.2.1']) {
      expect(collectorUrls(url, false).agent.protocol).toBe('ws:');
    }
  });

  it('refuses ws:// and http:// to any other address, naming the field', () => {
    for (const url of ['ws://10.0.0.5:8080', 'http://collector.office.lan', 'ws://[2001:db8::1]', 'http://localhost.evil.example', 'ws://128.0.0.1']) {
      expect(() => collectorUrls(url, false)).toThrow(expect.objectContaining({ code: 'SIAGA_ERR_INVALID_CONFIG', path: 'collector.url', message: expect.stringContaining('allowInsecure') }));
    }
  });

  it('allows plain text elsewhere only with allowInsecure', () => {
    expect(collectorUrls('ws://10.0.0.5:8080', true).agent.href).toBe('ws://10.0.0.5:8080/v1/agent');
  });
});
