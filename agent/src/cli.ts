#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { SiagaError } from '@siaga/shared';
import { Agent } from './agent.js';
import { loadAgentConfig } from './config.js';
import { doctorCommand } from './doctor/doctor.js';
import { createLogger } from './log.js';
import { installCommand, uninstallCommand } from './service/commands.js';
import { AGENT_COMMIT, AGENT_VERSION } from './version.js';

const USAGE = `siaga-agent — endpoint readiness agent

Usage:
  siaga-agent run --config <file>     run the agent in the foreground
  siaga-agent install --collector <url> --enroll-secret-file <file> [--site S --group G --tags a,b]
                                      install and start the agent as a service (install --help)
  siaga-agent uninstall [--purge]     remove the service
  siaga-agent doctor [--config <file>]  check config, connection, enrollment and probes
  siaga-agent --version               print version and commit
`;

const SUBCOMMANDS: Record<string, (argv: string[]) => Promise<number>> = { install: installCommand, uninstall: uninstallCommand, doctor: doctorCommand };

async function main(argv: string[]): Promise<number> {
  const subcommand = argv[0] ? SUBCOMMANDS[argv[0]] : undefined;
  if (subcommand) return subcommand(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    options: { config: { type: 'string', short: 'c' }, version: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.version) {
    process.stdout.write(`siaga-agent ${AGENT_VERSION} (${AGENT_COMMIT})\n`);
    return 0;
  }
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return command || values.help ? 0 : 2;
  }
  if (command !== 'run') {
    process.stderr.write(`unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  if (!values.config) {
    process.stderr.write('siaga-agent run: --config <file> is required\n');
    return 2;
  }
  const config = loadAgentConfig(values.config);
  const log = createLogger(config.log.level);
  const agent = new Agent(config, log);
  await agent.start();
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    void agent.stop('shutdown').finally(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof SiagaError) process.stderr.write(`siaga-agent: ${err.message} [${err.code}]\n`);
    else process.stderr.write(`siaga-agent: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
