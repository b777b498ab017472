import { type ChildProcess, spawn } from 'node:child_process';
import { waitFor } from '../harness/ports.js';

export interface LogLine extends Record<string, unknown> {
  msg?: string;
  /** Which start of the program wrote it (1 for the first). */
  run: number;
}

/**
 * Runs a program the way systemd's `Restart=always` does: whenever it exits it is started again
 * (the same path, so a switched `current` link starts the other version). Keeps every run's JSON
 * log lines. Sets SIAGA_SERVICE_MANAGER so the agent knows it will be restarted.
 */
export class Supervisor {
  readonly lines: LogLine[] = [];
  readonly exits: Array<{ run: number; code: number | null }> = [];
  runs = 0;
  private child: ChildProcess | undefined;
  private supervising = true;
  /** Called after an exit and before the next start (tests change the world in between). */
  beforeRestart: (exit: { run: number; code: number | null }) => void | Promise<void> = () => undefined;

  constructor(
    private readonly file: string,
    private readonly args: string[],
    private readonly env: NodeJS.ProcessEnv = {},
    private readonly restartDelayMs = 300,
  ) {}

  start(): void {
    const run = ++this.runs;
    const child = spawn(this.file, this.args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SIAGA_SERVICE_MANAGER: 'test', ...this.env } });
    this.child = child;
    let text = '';
    const collect = (d: Buffer) => {
      text += d.toString();
      let nl: number;
      while ((nl = text.indexOf('\n')) >= 0) {
        const line = text.slice(0, nl);
        text = text.slice(nl + 1);
        try {
          this.lines.push({ ...(JSON.parse(line) as Record<string, unknown>), run });
        } catch {
          this.lines.push({ msg: line, run });
        }
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', (code) => {
      this.exits.push({ run, code });
      if (!this.supervising) return;
      void Promise.resolve(this.beforeRestart({ run, code })).then(() => setTimeout(() => this.supervising && this.start(), this.restartDelayMs));
    });
  }

  find(msg: string, from = 0): LogLine | undefined {
    return this.lines.slice(from).find((l) => l.msg === msg);
  }

  waitForLog(msg: string, timeoutMs = 30_000, predicate: (l: LogLine) => boolean = () => true): Promise<LogLine> {
    return waitFor(() => this.lines.find((l) => l.msg === msg && predicate(l)), `the agent to log "${msg}"`, timeoutMs).catch((err: Error) => {
      throw new Error(`${err.message}\n${this.tail()}`);
    });
  }

  tail(n = 25): string {
    return this.lines.slice(-n).map((l) => JSON.stringify(l)).join('\n');
  }

  /** Stops the running program as a service manager's restart would; it is started again. */
  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    this.child?.kill(signal);
  }

  async stop(): Promise<void> {
    this.supervising = false;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
