import { describe, expect, it } from 'vitest';
import { parseCollectorConfig } from '../config.js';

describe('gateway.reconnectRate', () => {
  const parse = (gateway: Record<string, unknown>) => parseCollectorConfig({ dataDir: '/tmp/x', gateway }).gateway.reconnectRate;

  it('defaults to 150 agents a second and takes a whole number', () => {
    expect(parse({})).toBe(150);
    expect(parse({ reconnectRate: 40 })).toBe(40);
  });

  it('refuses a bad value and names the field', () => {
    for (const bad of [0, -1, 1.5, 'fast', 1_000_000]) expect(() => parse({ reconnectRate: bad })).toThrow(/gateway\.reconnectRate/);
  });
});
