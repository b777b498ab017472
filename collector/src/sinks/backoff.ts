/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so a fleet of
 * retries spreads out but none comes back immediately.
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** Timers that `abortAll` ends early (a closing sink must not wait out a 30 s backoff). */
export class Sleeper {
  private readonly waiting = new Set<() => void>();

  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiting.add(done);
    });
  }

  abortAll(): void {
    for (const done of [...this.waiting]) done();
  }
}
