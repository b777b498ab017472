import type { CommandRunner, ProcessStarter } from '../exec.js';
import type { ProbeContext } from './types.js';

/**
 * The context of one probe run, with its time limit. Most runs (the /proc and statfs reads of the
 * every-second watch) never look at their abort signal, so the AbortController is made only when
 * the probe asks for the signal; a run that times out still rejects `expired` and aborts a signal
 * already handed out. A class, so every run's context shares one shape (an object literal with a
 * getter would be rebuilt in dictionary mode on every run).
 */
export class ProbeRun implements ProbeContext {
  /** Rejects with a "timed out" error once the time is up; never settles after `finish()`. */
  readonly expired: Promise<never>;
  private controller: AbortController | undefined;
  private reason: Error | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly platform: NodeJS.Platform,
    readonly run: CommandRunner,
    readonly memo: Map<string, unknown>,
    readonly now: () => number,
    timeoutMs: number,
    readonly start?: ProcessStarter,
  ) {
    let fail: (err: Error) => void = () => undefined;
    this.expired = new Promise<never>((_, reject) => {
      fail = reject;
    });
    this.timer = setTimeout(() => {
      this.reason = new Error(`timed out after ${timeoutMs} ms`);
      this.controller?.abort(this.reason);
      fail(this.reason);
    }, timeoutMs);
  }

  /** Aborted when the time is up (already aborted when asked for afterwards). */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Stops the clock once the run is over. */
  finish(): void {
    clearTimeout(this.timer);
  }
}
