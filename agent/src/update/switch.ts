import type path from 'node:path';
import { posixSwitch } from './switch.posix.js';
import { windowsSwitch } from './switch.win32.js';

/**
 * How one operating system keeps the version folders of an installation and the `current` link
 * that names the one in use: a symbolic link on Linux and macOS, a directory junction on Windows
 * (made without administrator rights or developer mode, and followed by every program).
 * Both the updater and `siaga-agent install` go through it.
 */
export interface VersionSwitch {
  /** `path.posix` or `path.win32`: the flavour of every path given to and returned by the other members. */
  readonly path: path.PlatformPath;
  /** The executable's file name in a version folder. */
  readonly exeName: string;
  /** True where file names differ only in case name the same file (Windows). */
  readonly caseInsensitive: boolean;
  /** The version folder `link` names: a sibling of the link. Undefined when it is no link or names anything else. */
  current(link: string): string | undefined;
  /** Points `link` at its sibling folder `name`, replacing the link that is there. */
  point(link: string, name: string): void;
  /** Removes a version folder, a staging leftover or a link (the link itself, never what it names). */
  remove(entry: string): void;
  /** Renames a finished staging folder to its version folder. */
  move(from: string, to: string): Promise<void>;
  /** The real path of `file` with every link resolved; undefined when it is not there. */
  realpath(file: string): string | undefined;
  exists(file: string): boolean;
  entries(dir: string): string[];
  /** Makes a downloaded build runnable on this system before it is asked for its version. */
  prepare(file: string): Promise<void>;
}

export function versionSwitch(platform: NodeJS.Platform = process.platform): VersionSwitch {
  return platform === 'win32' ? windowsSwitch() : posixSwitch(platform);
}
