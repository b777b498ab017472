import { readdirSync, readFileSync, realpathSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { ErrorCode, SiagaError } from '@siaga/shared';
import type { CommandRunner } from '../exec.js';
import { msiOwned } from '../update/installation.js';
import { parseReleaseKey } from '../update/release-key.js';
import { versionSwitch } from '../update/switch.js';
import { addReleaseKeyFile, renderAgentConfig } from './config-file.js';
import { copyFileAtomic, ensureDir, exists, remove, switchSymlink, writeFileAtomic } from './files.js';
import { hostPath, type InstallLayout, layoutFor, type TargetPlatform, VERSION_NAME } from './layout.js';
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
  /** Leave `current` on the version it names when that version is there (MSI repair: an update may have moved it on). */
  keepCurrent?: boolean;
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

/** The executable in this version's folder (`<programDir>/<version>/siaga-agent[.exe]`). */
function versionExecutable(layout: InstallLayout): string {
  const p = layout.platform === 'win32' ? path.win32 : path.posix;
  return p.join(layout.versionDir, p.basename(layout.executable));
}

/**
 * Puts the executable into its version folder (the MSI has put it there already) and points
 * `current` and the command at it. Keeps the version that was current before (for a rollback)
 * and the MSI's own, and removes older ones.
 */
function placeProgram(layout: InstallLayout, source: string | undefined, keepCurrent: boolean): void {
  const folders = versionSwitch();
  const dest = hostPath(layout, versionExecutable(layout));
  if (source && !sameFile(source, dest)) copyFileAtomic(source, dest, 0o755);
  const current = hostPath(layout, layout.currentLink);
  const programDir = hostPath(layout, layout.programDir);
  const previous = folders.current(current);
  if (keepCurrent && previous && exists(path.join(programDir, previous, path.basename(dest)))) return;
  folders.point(current, VERSION_NAME);
  if (layout.commandLink) switchSymlink(hostPath(layout, layout.commandLink), path.posix.relative(path.posix.dirname(layout.commandLink), layout.executable));
  for (const entry of readdirSync(programDir)) {
    const folder = path.join(programDir, entry);
    if (entry !== 'current' && entry !== VERSION_NAME && entry !== previous && !msiOwned(folders, folder)) folders.remove(folder);
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
  } else if (options.releaseKey !== undefined) {
    // A release key alone (an MSI upgrade with RELEASE_KEY) goes into the installed config.
    let text: string;
    try {
      text = readFileSync(hostPath(layout, layout.configFile), 'utf8');
    } catch {
      return fail(`--release-key without --collector adds the key to the installed config, and there is none at ${layout.configFile}`);
    }
    const updated = addReleaseKeyFile(text, layout);
    if (updated !== undefined) files.push({ path: layout.configFile, content: updated, mode: 0o600 });
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
  if (!options.collectorUrl && (options.site || options.group || options.tags.length > 0 || options.caFile || options.allowInsecure)) {
    fail('--site, --group, --tags, --ca-file and --allow-insecure rewrite the config: pass --collector with them');
  }
  const hasConfig = Boolean(options.collectorUrl) || exists(at(layout.configFile));
  if (live && !options.fromMsi && !hasConfig) fail('first install: pass --collector <url> and --enroll-secret-file <file>');
  if (options.collectorUrl && secret === undefined && !exists(at(layout.secretFile))) fail('pass --enroll-secret-file <file> (or --enroll-secret from the MSI)');
  const config = configFiles(layout, options, secret);
  const source = options.fromMsi ? undefined : await sourceExecutable(options.binary);
  const definition = options.fromMsi ? [] : await manager.definition(layout);

  if (live && options.platform === 'win32' && !options.fromMsi) await windowsManager.quiesce(options.run);
  if (source || (options.fromMsi && options.platform === 'win32')) placeProgram(layout, source, options.keepCurrent ?? false);

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

/** MSI uninstall: the MSI removes the version it installed; the junction and the versions updates added go here. */
function removeAddedVersions(layout: InstallLayout): void {
  const folders = versionSwitch();
  const programDir = hostPath(layout, layout.programDir);
  folders.remove(hostPath(layout, layout.currentLink));
  const entries = exists(programDir) ? readdirSync(programDir) : [];
  for (const entry of entries) if (entry !== VERSION_NAME) folders.remove(path.join(programDir, entry));
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
  if (options.fromMsi) {
    if (layout.platform === 'win32') removeAddedVersions(layout);
    return layout;
  }
  if (layout.commandLink) remove(at(layout.commandLink));
  // The link first, by itself: a recursive removal must not go through a junction.
  versionSwitch().remove(at(layout.currentLink));
  if (layout.platform === 'win32' && !layout.root && process.execPath.toLowerCase().startsWith(layout.programRoot.toLowerCase())) removeAfterExit(layout.programRoot);
  else remove(at(layout.programRoot));
  return layout;
}
