// A load-generator process: holds up to a few thousand simulated agents (one socket each, well
// below the 20,000 open files one process may have) and answers the benchmark over IPC.
//   parent → { id, cmd, ...args }   worker → { id, ok: true, result } | { id, ok: false, error }
import { ReportTemplate } from './report-builder.mjs';
import { HEARTBEAT_MS, SimAgent, SimContext } from './sim-agent.mjs';
import { LatencyHistogram } from './stats.mjs';

let ctx;
/** @type {SimAgent[]} */
let agents = [];
let heartbeat;

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool(items, limit, fn) {
  let next = 0;
  const errors = [];
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (err) {
        errors.push(err.message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return errors;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const commands = {
  /** { baseUrl, secret, templateFile, window, agents: [{ hostname, site, localAddress }] } */
  init(args) {
    ctx = new SimContext({ baseUrl: args.baseUrl, secret: args.secret, template: ReportTemplate.fromFile(args.templateFile), window: args.window });
    ctx.latency = new LatencyHistogram();
    agents = args.agents.map((a) => new SimAgent(ctx, a));
    return { agents: agents.length, pid: process.pid };
  },

  async enroll({ concurrency = 8 }) {
    const started = performance.now();
    const errors = await pool(agents.filter((a) => !a.nodeKey), concurrency, (a) => a.enroll());
    return { enrolled: agents.filter((a) => a.nodeKey).length, errors: errors.slice(0, 5), failed: errors.length, ms: performance.now() - started };
  },

  /** Opens every connection, spread over `spreadMs`; resolves when all are welcomed or `timeoutMs` passed. */
  async connect({ spreadMs, timeoutMs }) {
    for (const a of agents) setTimeout(() => a.start(), Math.random() * spreadMs);
    heartbeat ??= setInterval(() => {
      const now = Date.now();
      for (const a of agents) a.heartbeat(now);
    }, HEARTBEAT_MS / 2);
    const deadline = Date.now() + spreadMs + timeoutMs;
    while (Date.now() < deadline && agents.some((a) => !a.welcomed)) await sleep(200);
    return { welcomed: agents.filter((a) => a.welcomed).length };
  },

  schedule({ intervalMs, maxBacklog, window }) {
    if (window !== undefined) ctx.window = window;
    for (const a of agents) a.schedule(intervalMs, maxBacklog);
    return { agents: agents.length };
  },

  /** Stops collecting and waits until every spooled report is acknowledged (or the timeout). */
  async drain({ timeoutMs }) {
    for (const a of agents) a.schedule(0);
    const deadline = Date.now() + timeoutMs;
    const waiting = () => agents.reduce((n, a) => n + a.spool.length, 0);
    while (Date.now() < deadline && waiting() > 0) await sleep(200);
    return { unacked: waiting(), agentsWaiting: agents.filter((a) => a.spool.length > 0).length };
  },

  /** Counters since start, the latency histogram since the last call, connections welcomed now. */
  stats() {
    const inflight = agents.reduce((n, a) => n + Math.max(0, a.sentSeq - a.acked), 0);
    return { ...structuredClone(ctx.counters), latency: ctx.latency.drain(), welcomed: agents.filter((a) => a.welcomed).length, open: agents.filter((a) => a.ws).length, inflight, spooled: agents.reduce((n, a) => n + a.spool.length, 0) };
  },

  /** Highest acknowledged seq per host: every seq up to it was generated once and acked. */
  acked() {
    return agents.map((a) => [a.hostId, a.acked]);
  },

  /** Who the agents are, as the collector enrolled them. */
  hosts() {
    return agents.map((a) => ({ hostId: a.hostId, hostname: a.hostname, site: a.site }));
  },

  /** Starts timing a reconnect storm: from now on, when each agent drops and when it is back. */
  mark({ at }) {
    ctx.mark = at;
    ctx.timeline = {};
    for (const a of agents) {
      a.droppedAt = undefined;
      a.backAt = undefined;
    }
    return {};
  },

  /** For the storm: ms from the mark until each agent that dropped was welcomed again. */
  reconnects() {
    const dropped = agents.filter((a) => a.droppedAt !== undefined);
    return { dropped: dropped.length, back: dropped.filter((a) => a.backAt !== undefined).map((a) => a.backAt - ctx.mark), welcomed: agents.filter((a) => a.welcomed).length, timeline: ctx.timeline };
  },

  stop() {
    clearInterval(heartbeat);
    for (const a of agents) a.stop();
    setTimeout(() => process.exit(0), 200);
    return {};
  },
};

process.on('message', async (msg) => {
  try {
    const result = await commands[msg.cmd](msg.args ?? {});
    process.send({ id: msg.id, ok: true, result });
  } catch (err) {
    process.send({ id: msg.id, ok: false, error: err.stack ?? String(err) });
  }
});
process.on('disconnect', () => process.exit(0));
