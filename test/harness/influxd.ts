import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { influxdBinary, influxdConfig } from '../../scripts/influxd.mjs';
import { freePort, waitFor } from './ports.js';
import { tempDir } from './tmp.js';

export interface InfluxServer {
  url: string;
  port: number;
  /** Runs an InfluxQL query and returns the raw `results` array of the HTTP API. */
  query(q: string, database?: string): Promise<InfluxResult[]>;
  stop(): Promise<void>;
  /** Stops the server process but keeps its data, so `restart()` can bring it back. */
  pause(): Promise<void>;
  restart(): Promise<void>;
}

export interface InfluxSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

export interface InfluxResult {
  statement_id: number;
  series?: InfluxSeries[];
  error?: string;
}

/**
 * Starts a private influxd on free loopback ports with its data in a temporary directory.
 * Nothing listens beyond 127.0.0.1; monitoring and reporting are off.
 */
export async function startInfluxd(): Promise<InfluxServer> {
  const bin = influxdBinary();
  const tmp = tempDir('influxd');
  const port = await freePort();
  const rpcPort = await freePort();
  const conf = path.join(tmp.dir, 'influxdb.conf');
  writeFileSync(conf, influxdConfig(tmp.dir, { port, rpcPort }));
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let output = '';

  const launch = async () => {
    output = '';
    child = spawn(bin, ['-config', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    const exited = new Promise<never>((_, reject) => child?.once('exit', (code) => reject(new Error(`influxd exited with ${code}: ${output}`))));
    await Promise.race([
      waitFor(async () => ((await fetch(`${url}/ping`)).status === 204 ? true : undefined), `influxd on ${url}`, 30_000),
      exited,
    ]);
  };

  const halt = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  };

  await launch();
  return {
    url,
    port,
    async query(q, database) {
      const params = new URLSearchParams({ q, epoch: 'ms' });
      if (database) params.set('db', database);
      const res = await fetch(`${url}/query?${params.toString()}`, { method: 'POST' });
      const body = (await res.json()) as { results?: InfluxResult[]; error?: string };
      if (!res.ok || body.error) throw new Error(`InfluxDB query failed (${res.status}): ${body.error ?? JSON.stringify(body)}`);
      return body.results ?? [];
    },
    async stop() {
      await halt();
      tmp.remove();
    },
    pause: halt,
    restart: launch,
  };
}
