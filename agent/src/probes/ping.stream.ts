import type { ChildProcess } from 'node:child_process';
import { isIP } from 'node:net';
import type { ProcessStarter } from '../exec.js';
import { cleanText } from './console-text.js';
import type { PingOutcome } from './ping.parse.js';
import { parsePingLine, PingWindow } from './ping.window.js';

/** A ping that exited is started again by a read at most this often (no route: it exits at once). */
export const RESTART_AFTER_MS = 5_000;
/** A ping of a host name is restarted this often, so it follows the name to a new address. */
export const RESOLVE_AGAIN_MS = 10 * 60_000;

/**
 * How long a ping may go unread before it is stopped: four of its reads' spacing (at least the
 * 15 s watch interval), so a report interval of minutes keeps it, while a ping check that was
 * turned off stops its process within a minute or a few. Unread for 10 minutes, a fork per read
 * costs nothing worth a process kept meanwhile. Before the spacing is known, 2 minutes.
 */
export function idleLimitMs(spacingMs: number | undefined): number {
  return spacingMs === undefined ? 120_000 : Math.min(600_000, 4 * Math.max(spacingMs, 15_000));
}

/** Every ping running, killed when the agent exits however it exits (no orphans). */
const live = new Set<ChildProcess>();
let killOnExit = false;

function track(child: ChildProcess): void {
  live.add(child);
  if (killOnExit) return;
  killOnExit = true;
  process.on('exit', () => {
    for (const c of live) c.kill();
  });
}

/** How many pings are running (for tests). */
export const runningPings = (): number => live.size;

/**
 * One long-lived iputils `ping -n -O -i 1 -W <s> <address>` streaming its replies, so a probe
 * run reads the window of the last replies instead of forking a ping (forking the agent costs
 * more CPU than all its probes). Should the agent die without its exit handler, ping dies too:
 * with -O it writes a line every second, and the first one after the pipe closed kills it.
 */
export class PingStream {
  private child: ChildProcess | undefined;
  private window = new PingWindow();
  private stderr = '';
  private failure: string | undefined;
  /** iputils answered (the header or an echo line): this is not a ping without -O. */
  private confirmed = false;
  private startedAt = Number.NEGATIVE_INFINITY;
  private lastReadAt: number | undefined;
  private spacingMs: number | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly waiters = new Set<() => void>();
  private stoppedForGood = false;
  /** This ping rejects `-O` or `-n` (BusyBox, inetutils): the caller forks its ping per run instead. */
  unsupported = false;
  /** There is no `ping` to start. */
  missing = false;

  constructor(
    readonly address: string,
    readonly waitSeconds: number,
    private readonly start: ProcessStarter,
    private readonly now: () => number = Date.now,
  ) {}

  get stopped(): boolean {
    return this.stoppedForGood;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * The newest `count` settled echo requests, as `ping -c count` would sum them up. Right after
   * (re)starting it waits, at most `maxWaitMs` or until `signal` aborts, for `count` of them.
   */
  async read(count: number, maxWaitMs: number, signal?: AbortSignal): Promise<PingOutcome> {
    this.noteRead();
    const now = this.now();
    if (this.child && isIP(this.address) === 0 && now - this.startedAt >= RESOLVE_AGAIN_MS) this.kill();
    if (!this.child && !this.stoppedForGood && now - this.startedAt >= RESTART_AFTER_MS) this.spawn();
    if (this.child) await this.until(() => this.window.size >= count || !this.child, maxWaitMs, signal);
    if (!this.child) return { failure: this.failure ?? 'ping stopped' };
    const summary = this.window.summary(count);
    if (summary) return { summary };
    return { failure: this.lastError() ?? `no output from ping within ${Math.round(maxWaitMs / 1000)} s` };
  }

  /** Stops the ping for good (a later read starts nothing). */
  stop(): void {
    this.stoppedForGood = true;
    clearTimeout(this.idleTimer);
    this.kill();
  }

  private kill(): void {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    this.failure = 'ping stopped';
    live.delete(child);
    child.kill();
    this.wake();
  }

  private noteRead(): void {
    const now = this.now();
    // Reads of one collection (the gateway is also a target) are one read.
    if (this.lastReadAt !== undefined && now - this.lastReadAt >= 1000) this.spacingMs = now - this.lastReadAt;
    this.lastReadAt = now;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop(), idleLimitMs(this.spacingMs));
    this.idleTimer.unref();
  }

  private spawn(): void {
    this.window = new PingWindow();
    this.stderr = '';
    this.failure = undefined;
    this.startedAt = this.now();
    let child: ChildProcess;
    try {
      child = this.start('ping', ['-n', '-O', '-i', '1', '-W', String(this.waitSeconds), this.address]);
    } catch (err) {
      this.failure = cleanText((err as Error).message, 200);
      return;
    }
    this.child = child;
    track(child);
    // Never what keeps the agent (or a test's helper process) alive.
    child.unref();
    for (const stream of [child.stdout, child.stderr]) (stream as { unref?: () => void } | null)?.unref?.();
    let pending = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        this.line(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
      if (pending.length > 4096) pending = '';
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-2000);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') this.missing = true;
      this.exited(child, cleanText(err.message, 200));
    });
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => this.exited(child, signal ? `ping was stopped (${signal})` : `ping exited with ${code}`));
  }

  private line(text: string): void {
    const parsed = parsePingLine(text);
    if (!parsed) return;
    this.confirmed = true;
    if ('seq' in parsed) this.window.record(parsed.seq, parsed.result);
    this.wake();
  }

  private exited(child: ChildProcess, fallback: string): void {
    live.delete(child);
    if (this.child !== child) return;
    this.child = undefined;
    if (!this.confirmed && /invalid option|unrecognized option|unknown option|usage:/i.test(this.stderr)) this.unsupported = true;
    this.failure = this.lastError() ?? fallback;
    this.wake();
  }

  /** The last thing ping said on stderr, worded as the forking probe words it ("connect: Network is unreachable"). */
  private lastError(): string | undefined {
    const last = this.stderr.split('\n').map((l) => l.trim()).filter(Boolean).at(-1);
    return last ? cleanText(last.replace(/^ping:\s*/i, ''), 200) : undefined;
  }

  private wake(): void {
    for (const check of this.waiters) check();
  }

  private until(done: () => boolean, ms: number, signal?: AbortSignal): Promise<void> {
    if (done() || ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', finish);
        this.waiters.delete(check);
        resolve();
      };
      const check = () => {
        if (done()) finish();
      };
      const timer = setTimeout(finish, ms);
      signal?.addEventListener('abort', finish, { once: true });
      this.waiters.add(check);
    });
  }
}

/** The pings of one probe, one per address, kept in the probe's memo between runs. */
export class PingStreams {
  private readonly streams = new Map<string, PingStream>();

  constructor(
    private readonly start: ProcessStarter,
    private readonly now: () => number = Date.now,
  ) {}

  /** This address's ping; a new one when there was none, it was stopped, or it waits differently. */
  get(address: string, waitSeconds: number): PingStream {
    let stream = this.streams.get(address);
    if (!stream || stream.stopped || stream.waitSeconds !== waitSeconds) {
      stream?.stop();
      stream = new PingStream(address, waitSeconds, this.start, this.now);
      this.streams.set(address, stream);
    }
    return stream;
  }

  /** Stops the pings of addresses no longer pinged: the gateway changed or went away, a target was removed. */
  keepOnly(addresses: ReadonlySet<string>): void {
    for (const [address, stream] of this.streams) {
      if (addresses.has(address) && !stream.stopped) continue;
      stream.stop();
      this.streams.delete(address);
    }
  }
}
