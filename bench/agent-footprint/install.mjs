// Installs the reference agents from Debian when they are missing, without starting their
// services: the benchmark runs its own copies, on loopback, with configs in a temp dir.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';

export const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';
export const ZABBIX_AGENT2 = '/usr/sbin/zabbix_agent2';

const PACKAGES = [
  { binary: NODE_EXPORTER, pkg: 'prometheus-node-exporter' },
  { binary: ZABBIX_AGENT2, pkg: 'zabbix-agent2' },
];

/** Debian's hook that decides whether maintainer scripts may start services; 101 means "no". */
const POLICY_RC_D = '/usr/sbin/policy-rc.d';

function apt(args, log) {
  log(`apt-get ${args.join(' ')}`);
  const r = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.error) throw new Error(`apt-get: ${r.error.message}`);
  return r.status;
}

/**
 * Makes sure both reference agents are installed. Installing needs root and apt-get; while apt
 * runs, a temporary policy-rc.d (when the machine has none) keeps the packages' services from
 * being started. Throws with what to do when it cannot install.
 */
export function ensureReferenceAgents(log) {
  const missing = PACKAGES.filter((p) => !existsSync(p.binary));
  if (missing.length === 0) return;
  const names = missing.map((p) => p.pkg);
  if (process.getuid?.() !== 0 || spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status !== 0) {
    throw new Error(`missing ${names.join(', ')}: install them (apt-get install --no-install-recommends ${names.join(' ')}) or run the benchmark as root on Debian`);
  }
  const ownPolicy = !existsSync(POLICY_RC_D);
  if (ownPolicy) writeFileSync(POLICY_RC_D, '#!/bin/sh\n# siaga bench: no service starts while packages install\nexit 101\n', { mode: 0o755 });
  try {
    if (apt(['install', '-y', '-qq', '--no-install-recommends', ...names], log) !== 0) {
      apt(['update', '-qq'], log);
      if (apt(['install', '-y', '-qq', '--no-install-recommends', ...names], log) !== 0) throw new Error(`apt-get install ${names.join(' ')} failed`);
    }
  } finally {
    if (ownPolicy) rmSync(POLICY_RC_D, { force: true });
  }
  const still = PACKAGES.filter((p) => !existsSync(p.binary));
  if (still.length > 0) throw new Error(`${still.map((p) => p.binary).join(', ')} still missing after installing`);
}
