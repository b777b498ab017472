// Agent footprint: the siaga agent (built dist, every default probe, the default office-PC policy
// from a real collector) next to Debian's prometheus-node-exporter and zabbix-agent2, all idle
// at the same 15 s interval on loopback. CPU-seconds include child processes (ping, smartctl...).
//
//   npm run bench -- agent-footprint [--duration=5m] [--warmup=60s] [--interval=15]
//                                    [--quick] [--profile] [--node-flags="..."] [--keep]
//
// The agent runs with the Node.js options its executables embed (packaging/lib/runtime-flags.mjs);
// --node-flags replaces them to try others.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AGENT_NODE_FLAGS } from '../../packaging/lib/runtime-flags.mjs';
import { summarizeProfileFile } from '../lib/cpu-profile.mjs';
import { footprint, ProcessTreeMeter } from '../lib/procfs.mjs';
import { freePort, sleep } from '../lib/processes.mjs';
import { zabbixGet } from '../lib/zabbix.mjs';
import { ensureReferenceAgents } from './install.mjs';
import { benchPolicy, defaultInterface, pollZabbix, scrapeNodeExporter, startAgent, startCollector, startNodeExporter, startZabbixAgent, zabbixItems } from './subjects.mjs';

export const description = 'CPU and memory of the siaga agent next to node_exporter and zabbix-agent2, idle at a 15 s interval';

const HOSTNAME = 'bench-office-pc';

/** "300", "300s", "5m" → seconds. */
export function parseSeconds(text, option) {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(String(text).trim());
  if (!m) throw new Error(`--${option}: expected seconds, or a number with s, m or h (got ${JSON.stringify(text)})`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] ?? 's'];
}

export function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      interval: { type: 'string', default: '15' },
      quick: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'node-flags': { type: 'string', default: AGENT_NODE_FLAGS.join(' ') },
      keep: { type: 'boolean', default: false },
    },
    strict: false,
    allowPositionals: true,
  });
  const durationSec = parseSeconds(values.duration ?? (values.quick ? '60' : '5m'), 'duration');
  const warmupSec = parseSeconds(values.warmup ?? (values.quick ? '15' : '60'), 'warmup');
  const intervalSec = parseSeconds(values.interval, 'interval');
  if (intervalSec < 1 || !Number.isInteger(intervalSec)) throw new Error('--interval: whole seconds, at least 1');
  return { durationSec, warmupSec, intervalSec, quick: values.quick, profile: values.profile, nodeFlags: values['node-flags'].split(/\s+/).filter(Boolean), keep: values.keep };
}

/** The API needs a signed-in user: the collector's initial admin, whose password is in its data dir. */
let apiSession = '';
async function signIn(collectorUrl, dataDir) {
  const password = readFileSync(path.join(dataDir, 'initial-admin-password'), 'utf8').trim();
  const res = await fetch(`${collectorUrl}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'admin', password }) });
  if (!res.ok) throw new Error(`signing in to the collector: ${res.status}`);
  apiSession = (res.headers.get('set-cookie') ?? '').split(';')[0];
}

async function hostView(collectorUrl) {
  const res = await fetch(`${collectorUrl}/v1/hosts`, { headers: { cookie: apiSession } });
  if (!res.ok) return undefined;
  const { hosts } = await res.json();
  return hosts.find((h) => h.hostname === HOSTNAME);
}

/** Counts an agent's log lines at warn level or above (pino levels 40+). */
function logProblems(text) {
  const problems = [];
  for (const line of text.split('\n')) {
    try {
      const entry = JSON.parse(line);
      if (entry.level >= 40) problems.push(`${entry.msg}${entry.err ? `: ${entry.err}` : ''}`);
    } catch {
      // not a log line
    }
  }
  return problems;
}

export async function run({ argv, root, log }) {
  const opts = parseOptions(argv);
  ensureReferenceAgents(log);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'siaga-bench-footprint-'));
  const profileDir = opts.profile ? path.join(root, 'bench/results/profiles', new Date().toISOString().replace(/[:.]/g, '-')) : undefined;
  const children = [];
  const timers = [];
  try {
    const [collectorPort, exporterPort, zabbixPort] = [await freePort(), await freePort(), await freePort(32_767)];
    const collectorUrl = `http://127.0.0.1:${collectorPort}`;
    const secret = randomBytes(24).toString('base64url');
    const backupDir = path.join(dir, 'backups');
    mkdirSync(backupDir);
    const backupMarker = path.join(backupDir, 'last-backup.marker');
    writeFileSync(backupMarker, new Date().toISOString());
    const policyFile = path.join(dir, 'policy.yaml');
    writeFileSync(policyFile, benchPolicy(root, { collectorPort, intervalSec: opts.intervalSec, backupDir }));

    log(`temp dir ${dir}; collector :${collectorPort}, node-exporter :${exporterPort}, zabbix-agent2 :${zabbixPort}`);
    const collector = startCollector(root, dir, { port: collectorPort, secret, policyFile });
    children.push(collector);
    await collector.waitFor(async () => ((await fetch(`${collectorUrl}/healthz`)).ok ? true : undefined), 'health endpoint', 30_000);
    await signIn(collectorUrl, path.join(dir, 'collector-data'));

    if (profileDir) mkdirSync(profileDir, { recursive: true });
    const agentStartedAt = performance.now();
    const agent = startAgent(root, dir, { collectorUrl, secret, hostname: HOSTNAME, nodeFlags: opts.nodeFlags, cpuProfDir: profileDir });
    const exporter = startNodeExporter(dir, exporterPort);
    const zabbix = startZabbixAgent(dir, zabbixPort);
    children.push(agent, exporter, zabbix);
    const meters = { agent: new ProcessTreeMeter(agent.pid), exporter: new ProcessTreeMeter(exporter.pid), zabbix: new ProcessTreeMeter(zabbix.pid), collector: new ProcessTreeMeter(collector.pid) };

    await exporter.waitFor(() => scrapeNodeExporter(exporterPort), '/metrics', 30_000);
    await zabbix.waitFor(async () => ((await zabbixGet('127.0.0.1', zabbixPort, 'agent.ping')).ok ? true : undefined), 'agent.ping', 30_000);
    const firstReport = await agent.waitFor(async () => {
      const h = await hostView(collectorUrl);
      return h && h.lastSeq > 0 && agent.log().includes('"policy applied"') ? h : undefined;
    }, 'first report under the policy', 60_000);
    const atReady = { agent: meters.agent.sample(), exporter: meters.exporter.sample(), zabbix: meters.zabbix.sample() };
    log(`all up; agent reported (seq ${firstReport.lastSeq}); warming up ${opts.warmupSec} s, then measuring ${opts.durationSec} s`);

    // Prometheus and the Zabbix server, played by the benchmark at the same interval.
    const items = zabbixItems({ iface: defaultInterface(), collectorPort, backupMarker });
    const polls = { exporter: { n: 0, samples: 0, errors: [] }, zabbix: { n: 0, ok: 0, unsupported: new Set(), errors: [] } };
    const poll = async () => {
      try {
        const s = await scrapeNodeExporter(exporterPort);
        polls.exporter.n += 1;
        polls.exporter.samples = s.samples;
      } catch (err) {
        polls.exporter.errors.push(err.message);
      }
      try {
        const z = await pollZabbix(zabbixPort, items);
        polls.zabbix.n += 1;
        polls.zabbix.ok = z.ok;
        for (const u of z.unsupported) polls.zabbix.unsupported.add(u);
      } catch (err) {
        polls.zabbix.errors.push(err.message);
      }
    };
    void poll();
    timers.push(setInterval(() => void poll(), opts.intervalSec * 1000));
    // Peak memory of short-lived children is caught by sampling the trees every second.
    timers.push(setInterval(() => Object.values(meters).forEach((m) => m.sample()), 1000));

    await sleep(opts.warmupSec * 1000);
    const first = Object.fromEntries(Object.entries(meters).map(([k, m]) => [k, m.sample()]));
    const seqAtStart = (await hostView(collectorUrl))?.lastSeq ?? 0;
    const endAt = Date.now() + opts.durationSec * 1000;
    while (Date.now() < endAt) {
      await sleep(Math.min(30_000, endAt - Date.now()));
      const a = meters.agent.sample();
      if (!a) throw new Error(`the agent exited during the run:\n${agent.tail()}`);
      log(`${Math.round((opts.durationSec * 1000 - (endAt - Date.now())) / 1000)} s: agent ${(a.cpuSeconds - first.agent.cpuSeconds).toFixed(2)} CPU-s, RSS ${(a.rssKb / 1024).toFixed(1)} MB`);
    }
    const last = Object.fromEntries(Object.entries(meters).map(([k, m]) => [k, m.sample()]));
    for (const [k, r] of Object.entries(last)) if (!r) throw new Error(`${k} exited during the run`);
    timers.forEach(clearInterval);
    const host = await hostView(collectorUrl);
    const reports = (host?.lastSeq ?? 0) - seqAtStart;

    const fp = Object.fromEntries(Object.keys(meters).map((k) => [k, footprint(first[k], last[k], meters[k])]));
    const row = (name, role, key, extra = {}) => ({
      name,
      role,
      values: {
        cpuSecPerHour: fp[key].cpuSecPerHour,
        cpuPercent: fp[key].cpuPercent,
        peakRssMb: fp[key].peakRssMb,
        rssMb: fp[key].rssMb,
        anonMb: fp[key].anonMb,
        fileMb: fp[key].fileMb,
        startupCpuSec: atReady[key].cpuSeconds,
      },
      ...extra,
    });

    await agent.stop();
    const problems = logProblems(agent.log());
    let profile;
    if (profileDir) {
      const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
      // Only the measured window: start-up (module loading, the first inventory) is left out.
      if (file) profile = { file: path.relative(root, path.join(profileDir, file)), ...summarizeProfileFile(path.join(profileDir, file), 20, first.agent.at - agentStartedAt) };
    }

    const notes = [
      `Measured over ${Math.round(fp.agent.windowSec)} s after a ${opts.warmupSec} s warm-up; CPU-seconds per hour are extrapolated from that window. CPU includes child processes (sampled process tree plus reaped children's cutime/cstime); peak RSS is the process's VmHWM plus the largest RSS its children held together at one sampling.`,
      'RSS counts the pages of the executable and its libraries that the process touched (shared with other processes running them, dropped first under memory pressure): a Node.js runtime alone holds 35–42 MB of them. "Private" is RssAnon: heap, stacks and other memory only this process holds.',
      `siaga-agent: ${fp.agent.selfCpuSecPerHour.toFixed(1)} CPU-s/h its own, ${(fp.agent.cpuSecPerHour - fp.agent.selfCpuSecPerHour).toFixed(1)} CPU-s/h in the programs it started (ping, smartctl...); ${reports} reports in the window; verdict ${host?.verdict ?? 'unknown'}${host?.reasons?.length ? ` (${host.reasons.map((r) => r.reason).join('; ')})` : ''}; ${problems.length} log lines at warn or above${problems.length ? `: ${[...new Set(problems)].slice(0, 5).join(' | ')}` : ''}.`,
      `node-exporter: scraped ${polls.exporter.n} times (${polls.exporter.samples} samples per scrape)${polls.exporter.errors.length ? `; errors: ${polls.exporter.errors.slice(0, 3).join('; ')}` : ''}.`,
      `zabbix-agent2: ${items.length} passive items polled ${polls.zabbix.n} times (${polls.zabbix.ok} answered)${polls.zabbix.unsupported.size ? `; not supported: ${[...polls.zabbix.unsupported].join('; ')}` : ''}${polls.zabbix.errors.length ? `; errors: ${polls.zabbix.errors.slice(0, 3).join('; ')}` : ''}.`,
      `The collector (server side, not compared) used ${fp.collector.cpuSecPerHour.toFixed(1)} CPU-s/h and ${fp.collector.peakRssMb.toFixed(1)} MB peak.`,
      'Startup cost ("CPU to ready") includes the agent\'s first inventory (installed packages), which then repeats every 6 hours.',
    ];
    if (opts.nodeFlags.length > 0) notes.push(`Agent started with Node flags: ${opts.nodeFlags.join(' ')}.`);
    if (profile) notes.push(`CPU profile (--profile, so the agent's figures include the profiler's own overhead): ${profile.file}.`);

    return {
      title: 'Agent footprint: siaga agent vs node_exporter and zabbix-agent2',
      summary: `All three idle side by side at a ${opts.intervalSec} s interval on loopback: the siaga agent with every default probe under the default office-PC policy (watch interval 1 s), node_exporter scraped with GET /metrics and zabbix-agent2 polled for ${items.length} passive items every ${opts.intervalSec} s.`,
      parameters: { durationSec: opts.durationSec, warmupSec: opts.warmupSec, intervalSec: opts.intervalSec, nodeFlags: opts.nodeFlags.join(' ') || '(none)', profiled: opts.profile, zabbixItems: items },
      columns: [
        { key: 'cpuSecPerHour', label: 'CPU', unit: 's/h', digits: 1, compare: true },
        { key: 'cpuPercent', label: 'CPU', unit: '% of one core', digits: 3 },
        { key: 'peakRssMb', label: 'peak RSS', unit: 'MB', digits: 1, compare: true },
        { key: 'rssMb', label: 'RSS at end', unit: 'MB', digits: 1 },
        { key: 'anonMb', label: 'of it private', unit: 'MB', digits: 1, compare: true },
        { key: 'fileMb', label: 'of it executable and libraries', unit: 'MB', digits: 1 },
        { key: 'startupCpuSec', label: 'CPU to ready', unit: 's', digits: 2 },
      ],
      rows: [row('siaga-agent', 'subject', 'agent'), row('zabbix-agent2', 'reference', 'zabbix'), row('node-exporter', 'reference', 'exporter')],
      targets: [
        { label: 'agent CPU vs zabbix-agent2', row: 'siaga-agent', key: 'cpuSecPerHour', per: 'zabbix-agent2', op: '<=', value: 2 },
        { label: 'agent peak RSS, MB', row: 'siaga-agent', key: 'peakRssMb', op: '<=', value: 50 },
      ],
      notes,
      details: { footprint: fp, atReady, polls: { ...polls, zabbix: { ...polls.zabbix, unsupported: [...polls.zabbix.unsupported] } }, reports, ...(profile ? { profile } : {}) },
    };
  } finally {
    timers.forEach(clearInterval);
    await Promise.all(children.reverse().map((c) => c.stop()));
    if (opts.keep) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
