import { MSI_OWNED_MARK } from '../service/layout.js';
import { type VersionSwitch, versionSwitch } from './switch.js';

/** The versioned program folder an update goes into: `<programDir>/<version>-<commit>/`, `current` → the one in use. */
export interface Installation {
  programDir: string;
  currentLink: string;
  /** The folder `current` names now. */
  current: string;
  /** What the service starts: `current/siaga-agent` (Windows: `current\siaga-agent.exe`). */
  executable: string;
  /** How this system links and removes version folders. */
  folders: VersionSwitch;
}

/**
 * Finds the installation this agent runs from (`<programDir>/<version>/siaga-agent` with a
 * `current` link beside it), or the one `installDir` names. Undefined when there is none:
 * an agent started from anywhere else is not updated.
 */
export function findInstallation(installDir: string | undefined, executable = process.execPath, folders = versionSwitch()): Installation | undefined {
  const p = folders.path;
  let programDir = installDir;
  if (!programDir) {
    const real = folders.realpath(executable);
    if (!real || !sameName(folders, p.basename(real), folders.exeName)) return undefined;
    programDir = p.dirname(p.dirname(real));
  }
  const currentLink = p.join(programDir, 'current');
  const current = folders.current(currentLink);
  if (!current) return undefined;
  return { programDir, currentLink, current, executable: p.join(currentLink, folders.exeName), folders };
}

function sameName(folders: VersionSwitch, a: string, b: string): boolean {
  return folders.caseInsensitive ? a.toLowerCase() === b.toLowerCase() : a === b;
}

/** Points `current` at another version folder. */
export function switchCurrent(installation: Installation, name: string): void {
  installation.folders.point(installation.currentLink, name);
}

export function versionFolder(installation: Installation, name: string): string {
  return installation.folders.path.join(installation.programDir, name);
}

export function versionExists(installation: Installation, name: string): boolean {
  return installation.folders.exists(installation.folders.path.join(versionFolder(installation, name), installation.folders.exeName));
}

/** True for the version folder an MSI installed: Windows Installer owns its files, so updates leave it alone. */
export function msiOwned(folders: VersionSwitch, folder: string): boolean {
  return folders.exists(folders.path.join(folder, MSI_OWNED_MARK));
}

/** Removes version folders (and staging leftovers) other than `keep` and the MSI's own. */
export function pruneVersions(installation: Installation, keep: readonly string[]): void {
  const { folders } = installation;
  for (const entry of folders.entries(installation.programDir)) {
    if (entry === 'current' || keep.some((k) => sameName(folders, k, entry))) continue;
    const folder = versionFolder(installation, entry);
    if (!msiOwned(folders, folder)) folders.remove(folder);
  }
}
