import { readdirSync, readFileSync, realpathSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { ErrorCode, SiagaError } from '@siaga/shared';
import type { CommandRunner } from '../exec.js';
import { parseReleaseKey } from '../update/release-key.js';
import { renderAgentConfig } from './config-file.js';
import { copyFileAtomic, ensureDir, exists, linkTarget, remove, switchSymlink, writeFileAtomic } from './files.js';
import { hostPath, type InstallLayout, layoutFor, SERVICE_NAME, type TargetPlatform, VERSION_NAME } from './layout.js';
import { launchdManager } from './launchd.js';
import type { ServiceFile, ServiceManager } from './manager.js';
import { systemdManager } from './systemd.js';
import { configureRecovery, removeAfterExit, restrictToAdministrators, windowsManager } from './windows.js';

export interface InstallOptions {
  platform: TargetPlatform;
  /** Staging root: files only, no service-manager calls. '' installs on this machine. */
  root: string;
  prefix?: string | undefined;
  /** The executable to install; the running single executable when omitted. */
  binary?: string | undefined;
  collectorUrl?: string | undefined;
  enrollSecret?: string | undefined;
  enrollSecretFile?: string | undefined;
  caFile?: string | undefined;
  /** The release key's public half (base64): automatic updates run only builds it signed. */
  releaseKey?: string | undefined;
  allowInsecure: boolean;
  site?: string | undefined;
  group?: string | undefined;
  tags: string[];
  /** Windows MSI custom action: the MSI installs files and the service; write config and recovery only. */
  fromMsi: boolean;
  run: CommandRunner;
}

export interface UninstallOptions {
  platform: TargetPlatform;
  root: string;
  prefix?: string | undefined;
  /** Also remove the state (identity, node key, spool) and logs. */
  purge: boolean;
  fromMsi: boolean;
  run: CommandRunner;
}

export function managerFor(platform: TargetPlatform): ServiceManager {
  return platform === 'linux' ? systemdManager : platform === 'darwin' ? launchdManager : windowsManager;
}

const fail = (message: string): never => {
  throw new SiagaError(ErrorCode.installFailed, message);
};

async function requireAdmin(layout: InstallLayout, run: CommandRunner): Promise<void> {
  if (layout.root) return;
  if (layout.platform !== 'win32') {
    if (typeof process.getuid === 'function' && process.getuid() !== 0) fail('installing the service needs root: run it with sudo');
    return;
  }
  // fltmc answers only an elevated caller (and, unlike `net session`, needs no Server service).
  if ((await run('fltmc.exe', [])).code !== 0) fail('installing the service needs an elevated prompt: run it as Administrator');
}

/** The enroll secret to store, or undefined to keep the one already installed. */
function newSecret(options: InstallOptions): string | undefined {
  let secret = options.enrollSecret;
  if (options.enrollSecretFile) {
    try {
      secret = readFileSync(options.enrollSecretFile, 'utf8');
    } catch (err) {
      fail(`--enroll-secret-file: cannot read ${options.enrollSecretFile}: ${(err as Error).message}`);
    }
  }
  if (secret === undefined) return undefined;
  secret = secret.trim();
  if (secret.length < 16 || secret.length > 256) fail('the enroll secret must be 16 to 256 characters long');
  return secret;
}

async function sourceExecutable(binary: string | undefined): Promise<string> {
  if (binary) return binary;
  let isSea = false;
  try {
    isSea = (await import('node:sea')).isSea();
  } catch {
    isSea = false;
  }
  return isSea ? process.execPath : fail('pass --binary <siaga-agent executable>: only the packaged single executable can install itself');
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/**
 * Puts the executable into its version folder and points `current` and the command at it.
 * Keeps the version that was current before (for a rollback) and removes older ones.
 */
function placeProgram(layout: InstallLayout, source: string): void {
  const dest = hostPath(layout, layout.platform === 'win32' ? layout.executable : path.posix.join(layout.versionDir, SERVICE_NAME));
  if (!sameFile(source, dest)) copyFileAtomic(source, dest, 0o755);
  if (!layout.currentLink || !layout.commandLink) return;
  const current = hostPath(layout, layout.currentLink);
  const previous = linkTarget(current);
  switchSymlink(current, VERSION_NAME);
  switchSymlink(hostPath(layout, layout.commandLink), path.posix.relative(path.posix.dirname(layout.commandLink), layout.executable));
  const programDir = hostPath(layout, layout.programDir);
  for (const entry of readdirSync(programDir)) {
    if (entry !== 'current' && entry !== VERSION_NAME && entry !== previous) remove(path.join(programDir, entry));
  }
}

/** The config, secret and CA files to write, read and validated before anything is written. */
function configFiles(layout: InstallLayout, options: InstallOptions, secret: string | undefined): ServiceFile[] {
  const files: ServiceFile[] = [];
  if (secret !== undefined) files.push({ path: layout.secretFile, content: `${secret}\n`, mode: 0o600 });
  if (options.caFile) {
    try {
      files.push({ path: layout.caFile, content: readFileSync(options.caFile), mode: 0o600 });
    } catch (err) {
      fail(`--ca-file: cannot read ${options.caFile}: ${(err as Error).message}`);
    }
  }
  if (options.releaseKey !== undefined) {
    try {
      parseReleaseKey(options.releaseKey, '--release-key');
    } catch (err) {
      fail((err as Error).message);
    }
    files.push({ path: layout.releaseKeyFile, content: `${options.releaseKey.trim()}\n`, mode: 0o600 });
  }
  if (options.collectorUrl) {
    const text = renderAgentConfig(layout, {
      collectorUrl: options.collectorUrl,
      withCaFile: Boolean(options.caFile) || exists(hostPath(layout, layout.caFile)),
      withReleaseKey: options.releaseKey !== undefined || exists(hostPath(layout, layout.releaseKeyFile)),
      allowInsecure: options.allowInsecure,
      site: options.site,
      group: options.group,
      tags: options.tags,
    });
    files.push({ path: layout.configFile, content: text, mode: 0o600 });
  }
  return files;
}

/**
 * Installs the agent as a service: program, config and enroll secret (readable by the service
 * account only), state folder, service definition; then registers, enables and starts it.
 */
export async function install(options: InstallOptions): Promise<InstallLayout> {
  const layout = layoutFor(options.platform, { root: options.root, prefix: options.prefix });
  const at = (p: string) => hostPath(layout, p);
  const live = !layout.root;
  await requireAdmin(layout, options.run);
  const manager = managerFor(options.platform);

  // Everything is checked before anything is written.
  const secret = newSecret(options);
  if (!options.collectorUrl && (options.site || options.group || options.tags.length > 0 || options.caFile || options.releaseKey || options.allowInsecure)) {
    fail('--site, --group, --tags, --ca-file, --release-key and --allow-insecure rewrite the config: pass --collector with them');
  }
  const hasConfig = Boolean(options.collectorUrl) || exists(at(layout.configFile));
  if (live && !options.fromMsi && !hasConfig) fail('first install: pass --collector <url> and --enroll-secret-file <file>');
  if (options.collectorUrl && secret === undefined && !exists(at(layout.secretFile))) fail('pass --enroll-secret-file <file> (or --enroll-secret from the MSI)');
  const config = configFiles(layout, options, secret);
  const source = options.fromMsi ? undefined : await sourceExecutable(options.binary);
  const definition = options.fromMsi ? [] : await manager.definition(layout);

  if (live && options.platform === 'win32' && !options.fromMsi) await windowsManager.quiesce(options.run);
  if (source) placeProgram(layout, source);

  ensureDir(at(layout.configDir), 0o700);
  if (live && options.platform === 'win32') await restrictToAdministrators(layout.configDir, options.run);
  ensureDir(at(layout.stateDir), 0o700);
  if (layout.logDir) ensureDir(at(layout.logDir), 0o750);
  for (const file of [...config, ...definition]) writeFileAtomic(at(file.path), file.content, file.mode);

  if (!live) return layout;
  if (options.fromMsi) await configureRecovery(options.run);
  else await manager.activate(layout, options.run);
  return layout;
}

function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty or not there: leave it
  }
}

/**
 * Stops and unregisters the service and removes program, config and enroll secret. The state
 * (identity and node key, so a reinstall is the same host) and logs stay unless `purge`.
 */
export async function uninstall(options: UninstallOptions): Promise<InstallLayout> {
  const layout = layoutFor(options.platform, { root: options.root, prefix: options.prefix });
  const at = (p: string) => hostPath(layout, p);
  await requireAdmin(layout, options.run);
  const manager = managerFor(options.platform);
  if (!options.fromMsi) {
    if (!layout.root) await manager.deactivate(layout, options.run);
    remove(at(layout.serviceFile));
    if (!layout.root && manager === systemdManager) await systemdManager.afterRemoval(options.run);
  }
  for (const file of [layout.configFile, layout.secretFile, layout.caFile, layout.releaseKeyFile]) remove(at(file));
  if (options.purge) {
    remove(at(layout.stateDir));
    if (layout.logDir) remove(at(layout.logDir));
    remove(at(layout.configDir));
  } else {
    removeIfEmpty(at(layout.configDir));
  }
  if (options.fromMsi) return layout;
  if (layout.commandLink) remove(at(layout.commandLink));
  if (layout.platform === 'win32' && !layout.root && process.execPath.toLowerCase().startsWith(layout.programDir.toLowerCase())) removeAfterExit(layout.programDir);
  else remove(at(layout.programDir));
  return layout;
}
