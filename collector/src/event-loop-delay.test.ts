import { describe, expect, it } from 'vitest';
import { EventLoopDelay } from './event-loop-delay.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('event-loop delay', () => {
  it('reports a blocked loop in the interval it happened, then starts over', async () => {
    const delay = new EventLoopDelay();
    try {
      await sleep(100);
      const busyUntil = Date.now() + 250;
      while (Date.now() < busyUntil) {
        // the loop is blocked, as a long synchronous task would block it
      }
      await sleep(100);
      const blocked = delay.fields();
      expect(blocked.event_loop_delay_max_ms).toBeGreaterThanOrEqual(200);
      expect(blocked.event_loop_delay_p99_ms).toBeGreaterThan(0);
      await sleep(200);
      expect(delay.fields().event_loop_delay_max_ms).toBeLessThan(200);
    } finally {
      delay.stop();
    }
  });
});
