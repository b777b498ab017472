import { readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { exists, linkTarget, remove, switchSymlink } from '../service/files.js';
import { SERVICE_NAME } from '../service/layout.js';

/** The versioned program folder an update goes into: `<programDir>/<version>-<commit>/`, `current` → the one in use. */
export interface Installation {
  programDir: string;
  currentLink: string;
  /** The folder `current` names now. */
  current: string;
  /** What the service starts: `current/siaga-agent`. */
  executable: string;
}

const exeName = process.platform === 'win32' ? `${SERVICE_NAME}.exe` : SERVICE_NAME;

/**
 * Finds the installation this agent runs from (`<programDir>/<version>/siaga-agent` with a
 * `current` link beside it), or the one `installDir` names. Undefined when there is none:
 * an agent started from anywhere else is not updated.
 */
export function findInstallation(installDir: string | undefined, executable = process.execPath): Installation | undefined {
  let programDir = installDir;
  if (!programDir) {
    let real: string;
    try {
      real = realpathSync(executable);
    } catch {
      return undefined;
    }
    if (path.basename(real) !== exeName) return undefined;
    programDir = path.dirname(path.dirname(real));
  }
  const currentLink = path.join(programDir, 'current');
  const current = linkTarget(currentLink);
  if (!current || current.includes('/') || current.includes('\\')) return undefined;
  return { programDir, currentLink, current, executable: path.join(currentLink, exeName) };
}

/** Points `current` at another version folder (atomically: there is never a moment without it). */
export function switchCurrent(installation: Installation, name: string): void {
  switchSymlink(installation.currentLink, name);
}

export function versionExists(installation: Installation, name: string): boolean {
  return exists(path.join(installation.programDir, name, exeName));
}

/** Removes version folders (and staging leftovers) other than `keep`. */
export function pruneVersions(installation: Installation, keep: readonly string[]): void {
  for (const entry of readdirSync(installation.programDir)) {
    if (entry !== 'current' && !keep.includes(entry)) remove(path.join(installation.programDir, entry));
  }
}

export const EXECUTABLE_NAME = exeName;
