import { afterEach, describe, expect, it, vi } from 'vitest';
import { type FeedMessage, LiveFeed } from './feed.js';

describe('live feed', () => {
  afterEach(() => vi.useRealTimers());

  it('sends each changed host once per window, read at send time, and nothing to nobody', () => {
    vi.useFakeTimers();
    let version = 0;
    const feed = new LiveFeed({ host: (id) => ({ id, version }), alert: (id) => (id === 'gone' ? undefined : { id }), flushMs: 200 });
    feed.hostChanged('a'); // no subscribers yet: dropped
    const got: FeedMessage[] = [];
    const unsubscribe = feed.subscribe((m) => got.push(m));
    for (let i = 0; i < 1000; i++) {
      version = i;
      feed.hostChanged(i % 2 === 0 ? 'a' : 'b');
    }
    feed.alertChanged('x');
    feed.alertChanged('gone');
    feed.logAdded({ id: 1 });
    expect(got).toEqual([]);
    vi.advanceTimersByTime(200);
    expect(got).toEqual([
      { event: 'hosts', data: { hosts: [{ id: 'a', version: 999 }, { id: 'b', version: 999 }] } },
      { event: 'alerts', data: { alerts: [{ id: 'x' }] } },
      { event: 'log', data: { entries: [{ id: 1 }] } },
    ]);
    unsubscribe();
    feed.hostChanged('a');
    vi.advanceTimersByTime(1000);
    expect(got).toHaveLength(3);
    feed.close();
  });
});
