import { readdirSync, realpathSync, renameSync } from 'node:fs';
import path from 'node:path';
import { exists, linkTarget, remove, switchSymlink } from '../service/files.js';
import { SERVICE_NAME } from '../service/layout.js';
import { signForThisMac } from './macos.js';
import type { VersionSwitch } from './switch.js';

/** Linux and macOS: `current` is a relative symbolic link, replaced atomically by renaming a new one over it. */
export function posixSwitch(platform: NodeJS.Platform): VersionSwitch {
  return {
    path: path.posix,
    exeName: SERVICE_NAME,
    caseInsensitive: false,
    current(link) {
      const target = linkTarget(link);
      return target && !target.includes('/') && !target.includes('\\') ? target : undefined;
    },
    point: switchSymlink,
    remove,
    async move(from, to) {
      renameSync(from, to);
    },
    realpath(file) {
      try {
        return realpathSync(file);
      } catch {
        return undefined;
      }
    },
    exists,
    entries: (dir) => readdirSync(dir),
    prepare: platform === 'darwin' ? (file) => signForThisMac(file) : async () => undefined,
  };
}
