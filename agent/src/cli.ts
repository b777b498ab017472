#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { SiagaError } from '@siaga/shared';
import { Agent } from './agent.js';
import { loadAgentConfig } from './config.js';
import { createLogger } from './log.js';
import { AGENT_COMMIT, AGENT_VERSION } from './version.js';

const USAGE = `siaga-agent — endpoint readiness agent

Usage:
  siaga-agent run --config <file>     run the agent in the foreground
  siaga-agent --version               print version and commit
`;

async function main(argv: string[]): Promise<number> {
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
