#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { SiagaError } from '@siaga/shared';
import { ADMIN_USAGE, adminCommand } from './admin-cli.js';
import { RELEASE_USAGE, releaseCommand } from './release-cli.js';
import { REPORT_USAGE, reportCommand } from './report-cli.js';
import { USERS_USAGE, usersCommand } from './users-cli.js';
import { Collector } from './collector.js';
import { loadCollectorConfig } from './config.js';
import { createLogger } from './log.js';
import { loadPolicyFile } from './policy/load.js';
import { COLLECTOR_VERSION } from './version.js';

const USAGE = `siaga-collector — endpoint readiness collector

Usage:
  siaga-collector --config <file>         run the collector
  siaga-collector policy check <file>     validate a readiness policy file offline
${ADMIN_USAGE}${USERS_USAGE}${REPORT_USAGE}${RELEASE_USAGE}  siaga-collector --version
`;

function policyCommand(args: string[]): number {
  const [sub, file] = args;
  if (sub !== 'check' || !file) {
    process.stderr.write(`usage: siaga-collector policy check <file>\n`);
    return 2;
  }
  const policy = loadPolicyFile(file);
  process.stdout.write(`${file}: valid — ${policy.policies.length} policies (${policy.policies.map((p) => p.name).join(', ') || 'none'}), ${Object.keys(policy.sites).length} sites\n`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'secrets' || argv[0] === 'hosts') return adminCommand(argv[0], argv.slice(1));
  if (argv[0] === 'users') return usersCommand(argv.slice(1));
  if (argv[0] === 'report') return reportCommand(argv.slice(1));
  if (argv[0] === 'release') return releaseCommand(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    options: { config: { type: 'string', short: 'c' }, version: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.version) {
    process.stdout.write(`siaga-collector ${COLLECTOR_VERSION}\n`);
    return 0;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals[0] === 'policy') return policyCommand(positionals.slice(1));
  if (positionals.length > 0) {
    process.stderr.write(`unknown command "${positionals[0]}"\n\n${USAGE}`);
    return 2;
  }
  if (!values.config) {
    process.stderr.write(`--config <file> is required\n\n${USAGE}`);
    return 2;
  }
  const config = loadCollectorConfig(values.config);
  const log = createLogger(config.log.level);
  const collector = new Collector(config, log);
  await collector.start();
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    void collector.stop().finally(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGHUP', () => {
    log.info('SIGHUP: reloading the policy and the agent releases');
    collector.reloadPolicy();
    collector.releases.scan();
    try {
      if (collector.reloadTls()) log.info('SIGHUP: TLS certificate and key reloaded');
    } catch (err) {
      log.error({ err: (err as Error).message }, 'SIGHUP: TLS certificate not reloaded; the previous one stays in use');
    }
  });
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof SiagaError) process.stderr.write(`siaga-collector: ${err.message} [${err.code}]\n`);
    else process.stderr.write(`siaga-collector: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
