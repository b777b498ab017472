import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { type AgentConfig, enrollSecret, loadAgentConfig } from '../config.js';
import { collectorUrls, type CollectorUrls } from '../transport/urls.js';
import { type CheckLine, fail, pass, warn } from './checklist.js';

export interface LoadedConfig {
  line: CheckLine;
  config?: AgentConfig;
  urls?: CollectorUrls;
}

export function checkConfig(file: string): LoadedConfig {
  let config: AgentConfig;
  try {
    config = loadAgentConfig(file);
  } catch (err) {
    const message = (err as Error).message;
    if (/EACCES|EPERM/.test(message)) return { line: fail(`Config ${file} is not readable by this user`, 'Run doctor as root (sudo) or Administrator: the config is private to the service.') };
    if (/ENOENT/.test(message)) return { line: fail(`Config ${file} does not exist`, 'Install the agent (siaga-agent install --collector <url> --enroll-secret-file <file>) or pass --config <file>.') };
    return { line: fail(`Config ${file} is invalid: ${message}`, 'Correct the field named above (reference: docs/install.md).') };
  }
  let urls: CollectorUrls;
  try {
    urls = collectorUrls(config.collector.url, config.collector.allowInsecure);
  } catch (err) {
    return { line: fail((err as Error).message, 'Use an https:// collector URL.'), config };
  }
  const labels = [config.labels.site && `site ${config.labels.site}`, config.labels.group && `group ${config.labels.group}`].filter(Boolean).join(', ');
  return { line: pass(`Config ${file} is valid (collector ${urls.base.href}${labels ? `, ${labels}` : ''})`), config, urls };
}

/** The node key the agent holds, read without creating or changing the state file. */
export function readNodeKey(config: AgentConfig): string | undefined {
  try {
    const state = JSON.parse(readFileSync(path.join(config.stateDir, 'state.json'), 'utf8')) as { nodeKey?: unknown };
    return typeof state.nodeKey === 'string' ? state.nodeKey : undefined;
  } catch {
    return undefined;
  }
}

export function checkStateDir(config: AgentConfig): CheckLine {
  const dir = config.stateDir;
  let stat;
  try {
    stat = statSync(dir);
  } catch {
    return warn(`State folder ${dir} does not exist yet`, 'The agent creates it at its first start; check that the service is running.');
  }
  if (!stat.isDirectory()) return fail(`State folder ${dir} is not a folder`, `Remove it; the agent creates the folder at its next start.`);
  try {
    accessSync(dir, constants.R_OK | constants.W_OK);
  } catch {
    return fail(`State folder ${dir} is not writable by this user`, 'Run doctor as the service account (root or Administrator).');
  }
  if (process.platform === 'win32') return pass(`State folder ${dir} is writable`);
  const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
  if ((stat.mode & 0o077) !== 0) return fail(`State folder ${dir} is readable by other users (mode ${mode}): it holds the node key`, `chmod 700 ${dir}`);
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) return warn(`State folder ${dir} belongs to uid ${stat.uid}, not this user (${uid})`, 'Run doctor as the service account.');
  return pass(`State folder ${dir} is private (mode ${mode})`);
}

export function checkEnrollSecret(config: AgentConfig, hasNodeKey: boolean): CheckLine {
  let secret: string | undefined;
  try {
    secret = enrollSecret(config);
  } catch (err) {
    return fail((err as Error).message, 'Make the file readable by the service account, or reinstall with --enroll-secret-file.');
  }
  if (secret && secret.length >= 16) return pass('Enroll secret is present');
  if (hasNodeKey) return warn('No enroll secret configured', 'Fine while the node key is valid; the agent could not enroll again if the collector revoked it.');
  return fail(secret ? 'Enroll secret is shorter than 16 characters' : 'No node key and no enroll secret: the agent cannot enroll', 'Set collector.enrollSecretFile (siaga-agent install --enroll-secret-file <file>).');
}
