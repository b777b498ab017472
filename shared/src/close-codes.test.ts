import { describe, expect, it } from 'vitest';
import { reconnectWithinMs, reconnectWithinReason } from './close-codes.js';

describe('reconnect spread in a close reason', () => {
  it('names the spread in whole seconds and reads it back', () => {
    const reason = reconnectWithinReason('collector restarting', 100.4);
    expect(reason).toBe('collector restarting; reconnect within 100 s');
    expect(reconnectWithinMs(reason)).toBe(100_000);
    // A close reason is at most 123 bytes.
    expect(Buffer.byteLength(reconnectWithinReason('collector restarting', 99_999))).toBeLessThanOrEqual(123);
  });

  it('finds none in a reason that names none, or a malformed one', () => {
    expect(reconnectWithinMs('collector restarting')).toBeUndefined();
    expect(reconnectWithinMs('')).toBeUndefined();
    expect(reconnectWithinMs('reconnect within soon s')).toBeUndefined();
    expect(reconnectWithinMs('reconnect within -5 s')).toBeUndefined();
  });
});
