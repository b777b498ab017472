import { realpathSync } from 'node:fs';
import path from 'node:path';
import { AGENT_COMMIT, AGENT_VERSION } from '../version.js';

export type TargetPlatform = 'linux' | 'darwin' | 'win32';

export const SERVICE_NAME = 'siaga-agent';
export const SERVICE_DISPLAY_NAME = 'siaga agent';
export const SERVICE_DESCRIPTION = 'siaga endpoint readiness agent: checks this computer and reports to the collector';
export const LAUNCHD_LABEL = 'dev.siaga.agent';

/**
 * Where an installation puts each file, as the installed system sees the paths. Program files
 * live in a per-version folder behind a `current` link (a directory junction on Windows), so an
 * update can place a new version beside the running one, switch the link and switch back on failure.
 */
export interface InstallLayout {
  platform: TargetPlatform;
  /** Staging root the files are written under instead of `/` (packaging, tests); '' for the live system. */
  root: string;
  /** Everything uninstall removes of the program: `programDir`, on Windows also the service wrapper beside it. */
  programRoot: string;
  /** Folder holding one sub-folder per installed version, and `current`. */
  programDir: string;
  /** This version's folder. */
  versionDir: string;
  /** The link that names the version in use. */
  currentLink: string;
  /** The executable the service starts, through `currentLink`. */
  executable: string;
  /** `siaga-agent` on the administrator's PATH (Linux, macOS). */
  commandLink: string | undefined;
  configDir: string;
  configFile: string;
  secretFile: string;
  caFile: string;
  /** The release key's public half: only builds it signed are run by automatic updates. */
  releaseKeyFile: string;
  stateDir: string;
  /** Where the service's output goes when the service manager has no journal (macOS, Windows). */
  logDir: string | undefined;
  /** The systemd unit, launchd plist or WinSW configuration. */
  serviceFile: string;
  /** Windows: the service wrapper (WinSW) and its .NET runtime selection file. */
  wrapperExe: string | undefined;
  wrapperRuntimeConfig: string | undefined;
}

export interface LayoutOptions {
  root?: string;
  /** Linux/macOS program prefix: `/usr/local` (default) or `/usr` for distribution packages. */
  prefix?: string;
  /** Windows: `%ProgramFiles%` and `%ProgramData%`. */
  env?: NodeJS.ProcessEnv;
}

export const VERSION_NAME = `${AGENT_VERSION}-${AGENT_COMMIT}`;

/** The MSI puts this file into the version folder it installs: updates never remove that folder (packaging/windows). */
export const MSI_OWNED_MARK = 'installed-by-msi.txt';

export function layoutFor(platform: TargetPlatform, options: LayoutOptions = {}): InstallLayout {
  const root = options.root ?? '';
  if (platform === 'win32') return windowsLayout(root, options.env ?? process.env);
  const p = path.posix;
  const prefix = options.prefix ?? '/usr/local';
  const programDir = p.join(prefix, 'lib', SERVICE_NAME);
  const currentLink = p.join(programDir, 'current');
  const configDir = platform === 'darwin' ? '/Library/Application Support/siaga' : '/etc/siaga';
  return {
    platform,
    root,
    programRoot: programDir,
    programDir,
    versionDir: p.join(programDir, VERSION_NAME),
    currentLink,
    executable: p.join(currentLink, SERVICE_NAME),
    commandLink: p.join(prefix, 'bin', SERVICE_NAME),
    configDir,
    configFile: p.join(configDir, 'agent.yaml'),
    secretFile: p.join(configDir, 'enroll-secret'),
    caFile: p.join(configDir, 'collector-ca.pem'),
    releaseKeyFile: p.join(configDir, 'release-key.pub'),
    stateDir: platform === 'darwin' ? p.join(configDir, 'state') : `/var/lib/${SERVICE_NAME}`,
    logDir: platform === 'darwin' ? '/Library/Logs/siaga' : undefined,
    serviceFile: platform === 'darwin' ? `/Library/LaunchDaemons/${LAUNCHD_LABEL}.plist` : p.join(prefix, 'lib', 'systemd', 'system', `${SERVICE_NAME}.service`),
    wrapperExe: undefined,
    wrapperRuntimeConfig: undefined,
  };
}

function windowsLayout(root: string, env: NodeJS.ProcessEnv): InstallLayout {
  const w = path.win32;
  const programRoot = w.join(env.ProgramFiles ?? 'C:\\Program Files', 'siaga');
  const programDir = w.join(programRoot, 'versions');
  const currentLink = w.join(programDir, 'current');
  const dataDir = w.join(env.ProgramData ?? 'C:\\ProgramData', 'siaga');
  return {
    platform: 'win32',
    root,
    programRoot,
    programDir,
    versionDir: w.join(programDir, VERSION_NAME),
    currentLink,
    executable: w.join(currentLink, `${SERVICE_NAME}.exe`),
    commandLink: undefined,
    configDir: dataDir,
    configFile: w.join(dataDir, 'agent.yaml'),
    secretFile: w.join(dataDir, 'enroll-secret'),
    caFile: w.join(dataDir, 'collector-ca.pem'),
    releaseKeyFile: w.join(dataDir, 'release-key.pub'),
    stateDir: w.join(dataDir, 'state'),
    logDir: w.join(dataDir, 'logs'),
    // The wrapper stays outside the version folders: it is the service, and an update does not replace it.
    serviceFile: w.join(programRoot, `${SERVICE_NAME}-service.xml`),
    wrapperExe: w.join(programRoot, `${SERVICE_NAME}-service.exe`),
    wrapperRuntimeConfig: w.join(programRoot, `${SERVICE_NAME}-service.exe.config`),
  };
}

/** The path on this machine's file system for a path of the installed system. */
export function hostPath(layout: InstallLayout, target: string): string {
  if (!layout.root) return target;
  // `C:\Program Files\siaga` stages as `<root>/C/Program Files/siaga`.
  const relative = layout.platform === 'win32' ? target.replace(/^([A-Za-z]):/, '$1').split('\\').join('/') : target;
  return path.join(layout.root, relative);
}

/**
 * The prefix an already installed executable lives under (`<prefix>/lib/siaga-agent/<version>/`),
 * so that running `install` again from the installed program keeps its layout.
 */
export function installedPrefix(executable: string): string | undefined {
  let real: string;
  try {
    real = realpathSync(executable);
  } catch {
    return undefined;
  }
  const match = new RegExp(`^(.*)/lib/${SERVICE_NAME}/[^/]+/${SERVICE_NAME}$`).exec(real);
  return match ? match[1] || '/' : undefined;
}

export function isTargetPlatform(value: string): value is TargetPlatform {
  return value === 'linux' || value === 'darwin' || value === 'win32';
}
