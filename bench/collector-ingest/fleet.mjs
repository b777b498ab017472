// The simulated fleet, seen from the benchmark: agents spread over worker processes (at most
// `perWorker` sockets each) and over sites, each site one loopback source address as an office
// behind NAT would be; commands to every worker at once and their answers added up.
import { fork } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LatencyHistogram } from './stats.mjs';

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'agent-worker.mjs');

/** A loopback address per site (127.10.x.y), never 127.0.0.1 where the servers listen. */
export function siteAddress(site) {
  return `127.10.${Math.floor(site / 250)}.${(site % 250) + 1}`;
}

/**
 * Agents into sites of `perSite` and sites onto `workers` processes, whole sites per worker.
 * @returns {Array<Array<{ hostname: string, site: string, localAddress: string }>>}
 */
export function planFleet(agents, { perSite, perWorker }) {
  const sites = Math.ceil(agents / perSite);
  const workers = Math.max(1, Math.ceil(agents / perWorker));
  const plan = Array.from({ length: workers }, () => []);
  for (let i = 0; i < agents; i += 1) {
    const site = Math.floor(i / perSite);
    plan[site % workers].push({ hostname: `pc-${String(i + 1).padStart(5, '0')}`, site: `site-${String(site + 1).padStart(3, '0')}`, localAddress: siteAddress(site) });
  }
  if (plan.some((w) => w.length > perWorker * 1.5)) throw new Error(`sites of ${perSite} do not spread evenly over ${workers} workers; choose --per-site so that it divides ${perWorker}`);
  return { sites, plan };
}

class WorkerHandle {
  constructor(index, logFile) {
    const fd = openSync(logFile, 'a');
    this.child = fork(WORKER, [], { stdio: ['ignore', fd, fd, 'ipc'], execArgv: [] });
    closeSync(fd);
    this.index = index;
    this.pending = new Map();
    this.nextId = 1;
    this.child.on('message', (m) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`worker ${index}: ${m.error}`));
    });
    this.child.on('error', () => undefined);
    this.child.on('exit', (code, signal) => {
      for (const p of this.pending.values()) p.reject(new Error(`worker ${index} exited (${signal ?? code})`));
      this.pending.clear();
    });
  }

  get pid() {
    return this.child.pid;
  }

  call(cmd, args) {
    if (!this.child.connected) return Promise.reject(new Error(`worker ${this.index} is gone`));
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, cmd, args });
    });
  }
}

export class Fleet {
  /** @param {{ agents: number, perSite: number, perWorker: number, logDir: string }} opts */
  constructor(opts) {
    const { sites, plan } = planFleet(opts.agents, opts);
    this.sites = sites;
    this.plan = plan;
    this.workers = plan.map((_, i) => new WorkerHandle(i, path.join(opts.logDir, `worker-${i}.log`)));
    this.agents = opts.agents;
  }

  get pids() {
    return this.workers.map((w) => w.pid);
  }

  all(cmd, args = {}) {
    return Promise.all(this.workers.map((w) => w.call(cmd, args)));
  }

  init({ baseUrl, secret, templateFile, window }) {
    return Promise.all(this.workers.map((w, i) => w.call('init', { baseUrl, secret, templateFile, window, agents: this.plan[i] })));
  }

  /** Counters added up over the workers, with the latency histogram since the last call. */
  async stats() {
    const parts = await this.all('stats');
    const latency = new LatencyHistogram();
    const out = { at: Date.now(), generated: 0, sent: 0, resent: 0, acked: 0, skipped: 0, connects: 0, welcomes: 0, errors: 0, welcomed: 0, open: 0, inflight: 0, spooled: 0, closes: {}, refusals: {}, enrollRefusals: {} };
    for (const p of parts) {
      latency.add(p.latency);
      for (const [k, v] of Object.entries(p)) {
        if (typeof v === 'number') out[k] += v;
        else if (k !== 'latency') for (const [code, n] of Object.entries(v)) out[k][code] = (out[k][code] ?? 0) + n;
      }
    }
    out.latency = latency;
    return out;
  }

  /** host id → highest acked seq, over the whole fleet. */
  async acked() {
    return new Map((await this.all('acked')).flat());
  }

  async reconnects() {
    const parts = await this.all('reconnects');
    const timeline = {};
    for (const p of parts) {
      for (const [kind, row] of Object.entries(p.timeline)) {
        const sum = (timeline[kind] ??= []);
        row.forEach((n, i) => (sum[i] = (sum[i] ?? 0) + (n ?? 0)));
      }
    }
    for (const row of Object.values(timeline)) for (let i = 0; i < row.length; i++) row[i] ??= 0;
    return { dropped: parts.reduce((n, p) => n + p.dropped, 0), welcomed: parts.reduce((n, p) => n + p.welcomed, 0), back: parts.flatMap((p) => p.back).sort((a, b) => a - b), timeline };
  }

  async stop() {
    await Promise.allSettled(this.workers.map((w) => w.call('stop')));
    await Promise.all(this.workers.map((w) => (w.child.exitCode === null && w.child.signalCode === null ? new Promise((r) => w.child.once('exit', r)) : undefined)));
  }
}
