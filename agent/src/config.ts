import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describeIssues, ErrorCode, fieldIssues, labelsSchema, SiagaError } from '@siaga/shared';
import YAML from 'yaml';
import { z } from 'zod';

const updateConfigSchema = z
  .object({
    /** Off: offers are ignored. On (the default) it still needs the release key. */
    enabled: z.boolean().default(true),
    /** The release key's public half (base64, from `siaga-collector release keygen`): only builds it signed are run. */
    publicKey: z.string().min(1).optional(),
    /** A file holding it (written by `siaga-agent install --release-key`). */
    publicKeyFile: z.string().min(1).optional(),
    /** The versioned program folder (`<prefix>/lib/siaga-agent`) when this executable does not run from it (labs, tests). */
    installDir: z.string().min(1).optional(),
    /** A new version that gets no welcome from the collector within this long is rolled back. */
    confirmTimeoutSec: z.number().int().min(1).max(86_400).default(300),
    /** After a failed download, the same build is tried again after this long (doubling, at most a day). */
    retryAfterSec: z.number().int().min(1).max(86_400).default(3600),
  })
  .strict();

export const agentConfigSchema = z
  .object({
    collector: z
      .object({
        /** Base URL of the collector: `https://collector.example:8443` (ws/wss accepted too). */
        url: z.url({ protocol: /^(https?|wss?)$/ }),
        /** The organisation's enroll secret, or a file holding it (preferred: keeps it out of the config). */
        enrollSecret: z.string().min(16).max(256).optional(),
        enrollSecretFile: z.string().min(1).optional(),
        /** PEM bundle of extra CAs to trust for the collector's certificate. */
        caFile: z.string().min(1).optional(),
        /** Allow plain ws:// to a non-loopback collector (never do this across an office network). */
        allowInsecure: z.boolean().default(false),
        /** Pause before enrolling again after the collector revoked or refused the node key. */
        revokedBackoffSec: z.number().int().min(1).max(86_400).default(300),
      })
      .strict(),
    /** Where the agent keeps its identity, node key, sequence number and spool. */
    stateDir: z.string().min(1),
    labels: labelsSchema.default({ tags: [] }),
    /** Overrides for tests and labs where several agents share one machine. */
    identity: z
      .object({
        hostname: z.string().min(1).max(255).optional(),
        /** Labs only: pretend to be other hardware (clone tests). Never set on a real machine. */
        fingerprint: z.string().regex(/^[0-9a-f]{16,64}$/, 'expected 16-64 lowercase hex digits').optional(),
      })
      .strict()
      .default({}),
    /** Report interval until the collector's policy says otherwise. */
    intervalSec: z.number().int().min(1).max(3600).default(15),
    /** How often the hardware and software inventory is collected (sent only when it changed). */
    inventoryIntervalSec: z.number().int().min(60).max(7 * 86_400).default(6 * 3600),
    /** Store-and-forward bounds: beyond them the oldest reports are dropped (and counted). */
    spool: z
      .object({ maxMiB: z.number().int().min(1).max(4096).default(64), maxAgeDays: z.number().min(0.01).max(90).default(7) })
      .strict()
      .default({ maxMiB: 64, maxAgeDays: 7 }),
    /** Local probe settings; the collector's policy overrides them key by key. */
    probes: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
    log: z.object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info') }).strict().default({ level: 'info' }),
    /** Automatic updates to the build the collector offers (docs/install.md). */
    update: updateConfigSchema.prefault({}),
  })
  .strict();

export type AgentConfig = z.infer<typeof agentConfigSchema>;
export type UpdateConfig = AgentConfig['update'];

/** Parses a config document; errors name the exact field (`collector.url: Invalid URL`). */
export function parseAgentConfig(raw: unknown, baseDir = process.cwd()): AgentConfig {
  const result = agentConfigSchema.safeParse(raw);
  if (!result.success) {
    const issues = fieldIssues(result.error);
    throw new SiagaError(ErrorCode.invalidConfig, `invalid agent config: ${describeIssues(issues)}`, { path: issues[0]?.path ?? '' });
  }
  const config = result.data;
  // Relative paths are relative to the config file, so a config can travel with its state.
  config.stateDir = path.resolve(baseDir, config.stateDir);
  if (config.collector.enrollSecretFile) config.collector.enrollSecretFile = path.resolve(baseDir, config.collector.enrollSecretFile);
  if (config.collector.caFile) config.collector.caFile = path.resolve(baseDir, config.collector.caFile);
  if (config.update.publicKeyFile) config.update.publicKeyFile = path.resolve(baseDir, config.update.publicKeyFile);
  if (config.update.installDir) config.update.installDir = path.resolve(baseDir, config.update.installDir);
  return config;
}

export function loadAgentConfig(file: string): AgentConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SiagaError(ErrorCode.invalidConfig, `cannot read config ${file}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (err) {
    throw new SiagaError(ErrorCode.invalidConfig, `config ${file} is not valid YAML: ${(err as Error).message}`);
  }
  return parseAgentConfig(raw, path.dirname(path.resolve(file)));
}

/** Reads the enroll secret from the config or its file, trimmed. */
export function enrollSecret(config: AgentConfig): string | undefined {
  if (config.collector.enrollSecret) return config.collector.enrollSecret;
  if (!config.collector.enrollSecretFile) return undefined;
  try {
    return readFileSync(config.collector.enrollSecretFile, 'utf8').trim();
  } catch (err) {
    throw new SiagaError(ErrorCode.invalidConfig, `collector.enrollSecretFile: cannot read ${config.collector.enrollSecretFile}: ${(err as Error).message}`, { path: 'collector.enrollSecretFile' });
  }
}
