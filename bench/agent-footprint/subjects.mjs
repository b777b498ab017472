// The processes the footprint benchmark runs side by side, all on loopback with their configs in
// the benchmark's temp dir: a siaga collector and agent (default policy), node_exporter and
// zabbix-agent2, plus the scrapes that stand in for Prometheus and the Zabbix server.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LoggedChild } from '../lib/processes.mjs';
import { zabbixGet } from '../lib/zabbix.mjs';
import { NODE_EXPORTER, ZABBIX_AGENT2 } from './install.mjs';

const must = (text, from, to, what) => {
  if (!text.includes(from)) throw new Error(`collector/policies/default.yaml changed: cannot find ${JSON.stringify(from)} (${what}); update bench/agent-footprint/subjects.mjs`);
  return text.replace(from, to);
};

/**
 * The shipped default policy pointed at this run: the collector's own /healthz stands in for the
 * business application and a fresh marker file for the backup. The gateway check must stay
 * pinned to loopback, or the agent would ping the machine's real gateway.
 */
export function benchPolicy(root, { collectorPort, intervalSec, backupDir }) {
  let text = readFileSync(path.join(root, 'collector/policies/default.yaml'), 'utf8');
  if (!/gateway:[\s\S]*?address: 127\.0\.0\.1/.test(text)) throw new Error('collector/policies/default.yaml: the gateway check is no longer pinned to 127.0.0.1; the benchmark sends traffic only to loopback');
  text = must(text, 'http://127.0.0.1:8080/healthz', `http://127.0.0.1:${collectorPort}/healthz`, 'the application check');
  text = must(text, 'paths: [/var/backups]', `paths: [${JSON.stringify(backupDir)}]`, 'the backup check');
  text = must(text, 'interval: 15s', `interval: ${intervalSec}s`, 'the report interval');
  return text;
}

export function startCollector(root, dir, { port, secret, policyFile }) {
  const configFile = path.join(dir, 'collector.yaml');
  writeFileSync(
    configFile,
    [`listen: { host: 127.0.0.1, port: ${port} }`, `dataDir: ${JSON.stringify(path.join(dir, 'collector-data'))}`, `policyFile: ${JSON.stringify(policyFile)}`, `enroll: { secrets: [${JSON.stringify(secret)}] }`, 'log: { level: warn }', ''].join('\n'),
  );
  return new LoggedChild('collector', process.execPath, [path.join(root, 'collector/dist/cli.js'), '--config', configFile], { logFile: path.join(dir, 'collector.log') });
}

/**
 * The agent as a service runs it: the built dist, every default probe, logs on stdout (here into
 * a file, as journald would take them). `nodeFlags` are V8/Node options to try; `cpuProfDir`
 * writes a CPU profile there when the agent stops.
 */
export function startAgent(root, dir, { collectorUrl, secret, hostname, nodeFlags = [], cpuProfDir }) {
  const configFile = path.join(dir, 'agent.yaml');
  // The policy pins the gateway check to loopback; until it arrives, no ping of the real gateway.
  writeFileSync(
    configFile,
    [`collector: { url: ${JSON.stringify(collectorUrl)}, enrollSecret: ${JSON.stringify(secret)} }`, `stateDir: ${JSON.stringify(path.join(dir, 'agent-state'))}`, `identity: { hostname: ${hostname} }`, 'probes: { ping: { gateway: false } }', ''].join('\n'),
  );
  const prof = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
  return new LoggedChild('siaga-agent', process.execPath, [...nodeFlags, ...prof, path.join(root, 'agent/dist/cli.js'), 'run', '--config', configFile], { logFile: path.join(dir, 'agent.log') });
}

export function startNodeExporter(dir, port) {
  const textfiles = path.join(dir, 'node-exporter-textfiles');
  mkdirSync(textfiles, { recursive: true });
  return new LoggedChild('node-exporter', NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${port}`, `--collector.textfile.directory=${textfiles}`], { logFile: path.join(dir, 'node-exporter.log') });
}

export function startZabbixAgent(dir, port) {
  const configFile = path.join(dir, 'zabbix_agent2.conf');
  // Passive checks only (no ServerActive), answering loopback only.
  writeFileSync(
    configFile,
    [`LogType=file`, `LogFile=${path.join(dir, 'zabbix_agent2.log')}`, 'LogFileSize=0', 'Server=127.0.0.1', 'ListenIP=127.0.0.1', `ListenPort=${port}`, 'Hostname=siaga-bench', `ControlSocket=${path.join(dir, 'zabbix_agent2.sock')}`, ''].join('\n'),
  );
  return new LoggedChild('zabbix-agent2', ZABBIX_AGENT2, ['-c', configFile, '-f'], { logFile: path.join(dir, 'zabbix_agent2.out') });
}

/** Interface carrying the IPv4 default route (eth0 and the like), for the per-interface items. */
export function defaultInterface(routeText = readFileSync('/proc/net/route', 'utf8')) {
  for (const line of routeText.split('\n').slice(1)) {
    const [iface, destination] = line.trim().split(/\s+/);
    if (iface && destination === '00000000') return iface;
  }
  return 'lo';
}

/**
 * Zabbix items matching what the siaga default policy watches, as a Zabbix template would poll
 * them: CPU, load, memory, swap, root volume, one interface's traffic, uptime, the application's
 * health URL and the backup marker's age.
 */
export function zabbixItems({ iface, collectorPort, backupMarker }) {
  return [
    'agent.ping',
    'system.cpu.util',
    'system.cpu.load[all,avg1]',
    'vm.memory.size[available]',
    'vm.memory.size[pavailable]',
    'system.swap.size[,pfree]',
    'vfs.fs.size[/,free]',
    'vfs.fs.size[/,pfree]',
    `net.if.in[${iface}]`,
    `net.if.out[${iface}]`,
    'system.uptime',
    `web.page.perf[127.0.0.1,/healthz,${collectorPort}]`,
    `vfs.file.time[${backupMarker},modify]`,
  ];
}

/** One poll of every item, one connection each, the way a Zabbix server's pollers ask. */
export async function pollZabbix(port, items) {
  let ok = 0;
  const unsupported = [];
  for (const key of items) {
    const answer = await zabbixGet('127.0.0.1', port, key);
    if (answer.ok) ok += 1;
    else unsupported.push(`${key}: ${answer.error}`);
  }
  return { ok, unsupported };
}

/** One Prometheus scrape: GET /metrics, counting the samples. */
export async function scrapeNodeExporter(port) {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  const text = await res.text();
  if (!res.ok) throw new Error(`node-exporter /metrics: ${res.status}`);
  let samples = 0;
  for (const line of text.split('\n')) if (line && !line.startsWith('#')) samples += 1;
  return { samples, bytes: text.length };
}
