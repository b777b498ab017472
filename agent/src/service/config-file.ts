import { ErrorCode, SiagaError } from '@siaga/shared';
import YAML from 'yaml';
import { parseAgentConfig } from '../config.js';
import { collectorUrls } from '../transport/urls.js';
import type { InstallLayout } from './layout.js';

export interface ConfigAnswers {
  collectorUrl: string;
  /** Whether a CA bundle is installed next to the config. */
  withCaFile: boolean;
  /** Whether a release key is installed next to the config. */
  withReleaseKey: boolean;
  allowInsecure: boolean;
  site?: string | undefined;
  group?: string | undefined;
  tags: string[];
}

/** Config fields the installer fills from its options, so errors can name the option that was wrong. */
const OPTION_FOR_FIELD: Record<string, string> = {
  'collector.url': '--collector',
  'labels.site': '--site',
  'labels.group': '--group',
  'labels.tags': '--tags',
};

/**
 * The agent config an installation writes. It is validated with the agent's own schema before
 * anything is written, so a typo in `--collector` fails the install instead of the service.
 */
export function renderAgentConfig(layout: InstallLayout, answers: ConfigAnswers): string {
  const labels: Record<string, unknown> = {};
  if (answers.site) labels.site = answers.site;
  if (answers.group) labels.group = answers.group;
  labels.tags = answers.tags;
  const doc = {
    collector: {
      url: answers.collectorUrl,
      enrollSecretFile: layout.secretFile,
      ...(answers.withCaFile ? { caFile: layout.caFile } : {}),
      ...(answers.allowInsecure ? { allowInsecure: true } : {}),
    },
    stateDir: layout.stateDir,
    labels,
    ...(answers.withReleaseKey ? { update: { publicKeyFile: layout.releaseKeyFile } } : {}),
  };
  try {
    const config = parseAgentConfig(structuredClone(doc), layout.configDir);
    // The agent refuses plain text to a remote collector at start: refuse it at install already.
    collectorUrls(config.collector.url, config.collector.allowInsecure);
  } catch (err) {
    if (err instanceof SiagaError && err.path !== undefined) {
      const field = Object.keys(OPTION_FOR_FIELD).find((f) => err.path?.startsWith(f));
      if (field) throw new SiagaError(ErrorCode.invalidConfig, `${OPTION_FOR_FIELD[field]}: ${err.message.replace(/^(invalid agent config: )?[\w.[\]]+: /, '')}`, { path: err.path });
    }
    throw err;
  }
  return `# siaga agent configuration, written by \`siaga-agent install\`.
# Reference: docs/install.md in the siaga sources. Check it with: siaga-agent doctor
${YAML.stringify(doc)}`;
}

/**
 * The installed config with `update.publicKeyFile` naming the installed release key, or undefined
 * when it does already. Comments and every other setting stay; an inline `update.publicKey` gives
 * way to the file, so the key the installer was given is the one used.
 */
export function addReleaseKeyFile(text: string, layout: InstallLayout): string | undefined {
  const doc = YAML.parseDocument(text);
  if (doc.errors.length > 0) throw new SiagaError(ErrorCode.invalidConfig, `${layout.configFile}: ${doc.errors[0]?.message ?? 'not YAML'}`);
  if (doc.getIn(['update', 'publicKeyFile']) === layout.releaseKeyFile && !doc.hasIn(['update', 'publicKey'])) return undefined;
  doc.setIn(['update', 'publicKeyFile'], layout.releaseKeyFile);
  doc.deleteIn(['update', 'publicKey']);
  // The result must still be a config the agent starts with.
  parseAgentConfig(doc.toJS(), layout.configDir);
  return doc.toString();
}
