import { parseArgs } from 'node:util';
import { runCommand } from '../exec.js';
import { readCaFile, trustedCas } from '../transport/trust.js';
import { managerFor } from '../service/install.js';
import { installedPrefix, isTargetPlatform, layoutFor } from '../service/layout.js';
import { AGENT_COMMIT, AGENT_VERSION } from '../version.js';
import { type CheckLine, fail, pass, renderChecklist, skip } from './checklist.js';
import { checkNodeKey } from './enrollment.js';
import { checkConfig, checkEnrollSecret, checkStateDir, readNodeKey } from './local.js';
import { bareHost, type CaList, checkDns, checkTcp, checkTls, portOf } from './network.js';
import { checkProbes } from './probes.js';

const USAGE = `siaga-agent doctor [--config <file>] [--skip-probes]
  Checks the config, the state folder, the way to the collector (DNS, TCP, TLS), the node key
  and every probe, and says what to do about each problem. Exits 1 when something is wrong.
`;

export interface DoctorOptions {
  configFile: string;
  probes: boolean;
}

async function checkCollector(urls: { base: URL; agent: URL; secure: boolean }, caFile: string | undefined, nodeKey: string | undefined): Promise<CheckLine[]> {
  // The same trust as the agent's transport: Node's default roots plus collector.caFile.
  let ca: CaList;
  try {
    ca = trustedCas(readCaFile(caFile));
  } catch (err) {
    return [fail((err as Error).message, 'Reinstall with --ca-file <pem>, or correct collector.caFile.')];
  }
  const host = bareHost(urls.base);
  const port = portOf(urls.base);
  const dns = await checkDns(host);
  if (dns.addresses.length === 0) return [dns.line, skip('Connection, TLS and node key not checked (no address)')];
  const tcp = await checkTcp(dns.addresses, port);
  if (!tcp.address) return [dns.line, tcp.line, skip('TLS and node key not checked (no connection)')];
  const lines = [dns.line, tcp.line];
  if (urls.secure) {
    const tlsLines = await checkTls(tcp.address, port, host, ca);
    lines.push(...tlsLines);
    if (tlsLines.some((l) => l.status === 'fail')) return [...lines, skip('Node key not checked (TLS problem)')];
  } else {
    lines.push({ status: 'warn', text: `The collector is reached without encryption (${urls.base.protocol}//)`, fix: 'Use https:// outside a lab.' });
  }
  lines.push(await checkNodeKey(urls.agent, nodeKey, ca));
  return lines;
}

async function checkService(): Promise<CheckLine[]> {
  const platform = process.platform;
  if (!isTargetPlatform(platform)) return [];
  const layout = layoutFor(platform, { prefix: installedPrefix(process.execPath) });
  const manager = managerFor(platform);
  const status = await manager.status(layout, runCommand).catch(() => undefined);
  if (!status || status.state === 'unknown') return [skip(`Service not checked (${status?.detail ?? 'no answer from the service manager'})`)];
  if (status.state === 'not-installed') return [skip('No siaga-agent service installed (fine when the agent runs by hand)')];
  if (status.state === 'running') return [pass(`Service: ${status.detail}`)];
  return [fail(`Service: ${status.detail}`, `Start it, and read why it stopped in ${manager.logsHint(layout)}.`)];
}

/** Every check, in the order a technician would go: config, local files, network, collector, probes. */
export async function runDoctor(options: DoctorOptions): Promise<CheckLine[]> {
  const loaded = checkConfig(options.configFile);
  const lines: CheckLine[] = [loaded.line];
  const config = loaded.config;
  if (config) {
    lines.push(checkStateDir(config));
    const nodeKey = readNodeKey(config);
    lines.push(checkEnrollSecret(config, Boolean(nodeKey)));
    if (loaded.urls) lines.push(...(await checkCollector(loaded.urls, config.collector.caFile, nodeKey)));
  }
  lines.push(...(await checkService()));
  if (config && options.probes) lines.push(...(await checkProbes(config)));
  return lines;
}

export async function doctorCommand(argv: string[]): Promise<number> {
  let values: { config?: string; 'skip-probes'?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' }, 'skip-probes': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (err) {
    process.stderr.write(`siaga-agent doctor: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const platform = isTargetPlatform(process.platform) ? process.platform : 'linux';
  const configFile = values.config ?? layoutFor(platform, { prefix: installedPrefix(process.execPath) }).configFile;
  // The runtime and its options (the executables embed theirs) help when a support case is about memory.
  const runtime = ['Node.js', process.version, ...process.execArgv].join(' ');
  process.stdout.write(`siaga-agent doctor ${AGENT_VERSION} (${AGENT_COMMIT}) on ${runtime}, config ${configFile}\n\n`);
  const lines = await runDoctor({ configFile, probes: !values['skip-probes'] });
  process.stdout.write(renderChecklist(lines));
  return lines.some((l) => l.status === 'fail') ? 1 : 0;
}
