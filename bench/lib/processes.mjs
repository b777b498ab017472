// Child processes for benchmarks: output straight into a log file (the benchmark never reads a
// pipe while it measures), readiness polling, and a stop that always reaps.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';

const listenOnce = (port) =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: got } = server.address();
      server.close(() => resolve(got));
    });
  });

/**
 * A TCP port that was free on loopback a moment ago; `max` for programs that refuse high
 * ports (zabbix_agent2 takes at most 32767).
 */
export async function freePort(max) {
  if (max === undefined) return listenOnce(0);
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * (max - 20_000));
    try {
      return await listenOnce(port);
    } catch {
      // taken; try another
    }
  }
  throw new Error(`no free loopback port found between 20000 and ${max}`);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns something other than undefined; an error marked `fatal` ends the wait. */
export async function waitFor(probe, what, timeoutMs = 30_000, everyMs = 200) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      if (err.fatal) throw err;
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (${lastError.message})` : ''}`);
    await sleep(everyMs);
  }
}

export class LoggedChild {
  /** @param {string} name @param {string} file @param {string[]} args @param {{ logFile: string, env?: NodeJS.ProcessEnv, cwd?: string }} options */
  constructor(name, file, args, options) {
    this.name = name;
    this.logFile = options.logFile;
    const fd = openSync(this.logFile, 'a');
    this.child = spawn(file, args, { stdio: ['ignore', fd, fd], env: options.env ?? process.env, cwd: options.cwd });
    closeSync(fd);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve(signal ?? code)));
    this.child.once('error', () => undefined);
  }

  get pid() {
    return this.child.pid;
  }

  get running() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  log() {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  tail(lines = 15) {
    return this.log().trimEnd().split('\n').slice(-lines).join('\n');
  }

  /** Fails fast when the process died instead of waiting out the timeout. */
  async waitFor(probe, what, timeoutMs) {
    return waitFor(
      async () => {
        if (!this.running) throw Object.assign(new Error(`${this.name} exited (${this.child.exitCode ?? this.child.signalCode})`), { fatal: true });
        return probe();
      },
      `${this.name}: ${what}`,
      timeoutMs,
    ).catch((err) => {
      throw new Error(`${err.message}\n--- ${this.name} log ---\n${this.tail()}`);
    });
  }

  async stop(signal = 'SIGTERM') {
    if (!this.running) return this.exited;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }
}
