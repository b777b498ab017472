import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { authHeaders, rememberToken } from './auth.js';
import { waitFor } from './ports.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const COLLECTOR_CLI = path.join(REPO_ROOT, 'collector/dist/cli.js');
export const AGENT_CLI = path.join(REPO_ROOT, 'agent/dist/cli.js');

/** A child process whose JSON log lines are kept for assertions and for failure messages. */
export class LoggedProcess {
  readonly lines: Array<Record<string, unknown>> = [];
  private text = '';
  readonly exited: Promise<number | null>;

  constructor(readonly name: string, readonly child: ChildProcess) {
    const collect = (d: Buffer) => {
      this.text += d.toString();
      let nl: number;
      while ((nl = this.text.indexOf('\n')) >= 0) {
        const line = this.text.slice(0, nl);
        this.text = this.text.slice(nl + 1);
        try {
          this.lines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          this.lines.push({ msg: line });
        }
        if (this.lines.length > 5000) this.lines.splice(0, 1000);
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Waits for a log line whose `msg` matches. */
  waitForLog(match: RegExp | string, timeoutMs = 20_000): Promise<Record<string, unknown>> {
    return waitFor(() => this.lines.find((l) => (typeof match === 'string' ? l.msg === match : match.test(String(l.msg)))), `${this.name} to log ${String(match)}\n${this.tail()}`, timeoutMs);
  }

  tail(n = 20): string {
    return this.lines.slice(-n).map((l) => JSON.stringify(l)).join('\n');
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

function writeYaml(dir: string, name: string, doc: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, YAML.stringify(doc));
  return file;
}

export interface RunningCollector extends LoggedProcess {
  url: string;
  port: number;
  configFile: string;
  dataDir: string;
  /** An admin API token: every /v1 route but the agents' needs one. */
  token: string;
  /** fetch of `url + path` with the admin token. */
  api(path: string, init?: RequestInit): Promise<Response>;
}

/**
 * An API token of the collector's initial `admin`, made with `siaga-collector users token
 * create` (the command line works on the store, so also for TLS or namespaced collectors), and
 * remembered for `baseUrl` so the harness's requests carry it.
 */
export async function adminToken(configFile: string, baseUrl: string): Promise<string> {
  const args = [COLLECTOR_CLI, 'users', 'token', 'create', 'admin', '--expires', '1d', '--label', 'test harness', '--json', '--config', configFile];
  const { stdout } = await promisify(execFile)(process.execPath, args);
  const { token } = JSON.parse(stdout) as { token: string };
  rememberToken(baseUrl, token);
  return token;
}

/** Starts a collector process from the built dist on a free port (listen.port 0). */
export async function startCollector(dir: string, config: Record<string, unknown>, options: { env?: NodeJS.ProcessEnv; name?: string } = {}): Promise<RunningCollector> {
  const configFile = writeYaml(dir, 'collector.yaml', { listen: { host: '127.0.0.1', port: 0 }, dataDir: path.join(dir, 'collector-data'), ...config });
  const child = spawn(process.execPath, [COLLECTOR_CLI, '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  const proc = new LoggedProcess(options.name ?? 'collector', child) as RunningCollector;
  const listening = await Promise.race([
    proc.waitForLog('collector listening', 30_000),
    proc.exited.then((code) => {
      throw new Error(`collector exited with ${code}:\n${proc.tail()}`);
    }),
  ]);
  proc.port = Number(listening.port);
  proc.url = `http://127.0.0.1:${proc.port}`;
  proc.configFile = configFile;
  proc.dataDir = String(config.dataDir ?? path.join(dir, 'collector-data'));
  proc.token = await adminToken(configFile, proc.url);
  proc.api = (p, init = {}) => fetch(`${proc.url}${p}`, { ...init, headers: { ...authHeaders(proc.url), ...(init.headers as Record<string, string> | undefined) } });
  return proc;
}

/** Starts an agent process from the built dist with its own state directory. */
export function startAgent(dir: string, name: string, config: Record<string, unknown>, options: { env?: NodeJS.ProcessEnv; argv?: string[] } = {}): LoggedProcess & { configFile: string; stateDir: string } {
  const stateDir = path.join(dir, `${name}-state`);
  const configFile = writeYaml(dir, `${name}.yaml`, { stateDir, identity: { hostname: name }, ...config });
  const child = spawn(options.argv?.[0] ?? process.execPath, [...(options.argv?.slice(1) ?? [AGENT_CLI]), 'run', '--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  return Object.assign(new LoggedProcess(name, child), { configFile, stateDir });
}
