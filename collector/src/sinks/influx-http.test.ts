import { describe, expect, it } from 'vitest';
import { gzipFor } from './influx-http.js';

describe('gzipFor', () => {
  it('compresses for a remote InfluxDB and not for one on loopback, unless told', () => {
    expect(gzipFor('http://influx.corp.example:8086', 'auto')).toBe(true);
    expect(gzipFor('https://10.1.2.3:8086', 'auto')).toBe(true);
    expect(gzipFor('http://127.0.0.1:8086', 'auto')).toBe(false);
    expect(gzipFor('http://127.8.9.10:8086', 'auto')).toBe(false);
    expect(gzipFor('http://localhost:8086', 'auto')).toBe(false);
    expect(gzipFor('http://[::1]:8086', 'auto')).toBe(false);
    expect(gzipFor('http://127.0.0.1:8086', true)).toBe(true);
    expect(gzipFor('http://influx.corp.example:8086', false)).toBe(false);
  });
});
