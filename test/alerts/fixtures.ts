import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { authedFetch } from '../harness/auth.js';
import { waitFor } from '../harness/ports.js';

export const ENROLL_SECRET = 'alerts-e2e-enroll-secret-0001';
export const webhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * A program the `processes` check looks for: a copy of sleep under its own name (the kernel's
 * comm is the file name), started and killed by the test.
 */
export class TestProgram {
  private child: ChildProcess | undefined;
  readonly file: string;

  constructor(dir: string, readonly name: string) {
    this.file = path.join(dir, name);
    copyFileSync('/bin/sleep', this.file);
  }

  start(): void {
    this.child = spawn(this.file, ['3600'], { stdio: 'ignore' });
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await authedFetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export interface AlertView {
  id: string;
  rule: string;
  hostId: string;
  state: string;
  labels: Record<string, string>;
  reason: string;
  firedAt: number | null;
  acknowledgedBy: string | null;
  suppressedBy: string | null;
}

export const alertsOf = (base: string, query = '') => getJson<{ alerts: AlertView[] }>(`${base}/v1/alerts${query}`).then((b) => b.alerts);

/** Waits until a host with this name has the given verdict; returns its id. */
export function hostWithVerdict(base: string, hostname: string, verdict: string, timeoutMs = 30_000): Promise<string> {
  return waitFor(async () => {
    const { hosts } = await getJson<{ hosts: Array<{ id: string; hostname: string; verdict: string }> }>(`${base}/v1/hosts`);
    return hosts.find((h) => h.hostname === hostname && h.verdict === verdict)?.id;
  }, `${hostname} to be ${verdict}`, timeoutMs);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
