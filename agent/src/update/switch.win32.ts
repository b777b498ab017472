import * as nodeFs from 'node:fs';
import path from 'node:path';
import { SERVICE_NAME } from '../service/layout.js';
import type { VersionSwitch } from './switch.js';

/** The file system calls the Windows switch makes (node:fs; tests pass a stand-in that behaves like Windows). */
export interface JunctionFs {
  symlinkSync(target: string, link: string, type: 'junction'): void;
  readlinkSync(link: string): string;
  lstatSync(file: string): { isSymbolicLink(): boolean };
  unlinkSync(file: string): void;
  renameSync(from: string, to: string): void;
  realpathSync(file: string): string;
  rmSync(file: string, options: { recursive: true; force: true; maxRetries: number }): void;
  readdirSync(dir: string): string[];
}

export interface WindowsSwitchOptions {
  fs?: JunctionFs;
  /** `path.win32` on Windows; tests that run junction semantics on this machine's own paths pass `path.posix`. */
  path?: path.PlatformPath;
  sleep?: (ms: number) => Promise<void>;
}

/** Errors a virus scanner's open handle on a new executable causes for a moment. */
const TRANSIENT = new Set(['EPERM', 'EACCES', 'EBUSY']);
const MOVE_ATTEMPTS = 10;

/**
 * Windows: `current` is a directory junction. Node makes one with `symlink(target, link,
 * 'junction')` without administrator rights (a symbolic link would need them), resolving a
 * relative target against the link's folder; reading it back gives the absolute folder, often
 * with a trailing backslash. Removing a junction removes only the junction.
 */
export function windowsSwitch(options: WindowsSwitchOptions = {}): VersionSwitch {
  const fs = options.fs ?? nodeFs;
  const p = options.path ?? path.win32;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  const isLink = (file: string): boolean => {
    try {
      return fs.lstatSync(file).isSymbolicLink();
    } catch {
      return false;
    }
  };
  const exists = (file: string): boolean => {
    try {
      fs.lstatSync(file);
      return true;
    } catch {
      return false;
    }
  };
  /** The folder name a junction's target names, when that folder is a sibling of the junction. */
  const siblingName = (link: string, target: string): string | undefined => {
    const folder = target.replace(/^\\\\\?\\/, '').replace(/[\\/]+$/, '');
    const name = p.basename(folder);
    if (!name || name === '.' || name === '..') return undefined;
    if (folder === name) return name;
    return p.dirname(folder).toLowerCase() === p.dirname(link).toLowerCase() ? name : undefined;
  };

  const self: VersionSwitch = {
    path: p,
    exeName: `${SERVICE_NAME}.exe`,
    caseInsensitive: true,
    current(link) {
      if (!isLink(link)) return undefined;
      try {
        return siblingName(link, fs.readlinkSync(link));
      } catch {
        return undefined;
      }
    },
    point(link, name) {
      // A junction cannot be renamed over another (MoveFileEx does not replace folders): make the
      // new one beside it, then swap; if the swap fails, the old one is put back.
      const fresh = `${link}.new-${process.pid}`;
      if (isLink(fresh)) fs.unlinkSync(fresh);
      fs.symlinkSync(name, fresh, 'junction');
      const previous = self.current(link);
      try {
        if (exists(link)) fs.unlinkSync(link);
        fs.renameSync(fresh, link);
      } catch (err) {
        if (previous && !exists(link)) fs.symlinkSync(previous, link, 'junction');
        fs.unlinkSync(fresh);
        throw err;
      }
    },
    remove(entry) {
      // Never a recursive removal through a junction: that would empty the version it names.
      if (isLink(entry)) fs.unlinkSync(entry);
      else fs.rmSync(entry, { recursive: true, force: true, maxRetries: 5 });
    },
    async move(from, to) {
      for (let attempt = 1; ; attempt++) {
        try {
          fs.renameSync(from, to);
          return;
        } catch (err) {
          if (attempt >= MOVE_ATTEMPTS || !TRANSIENT.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
          await sleep(attempt * 200);
        }
      }
    },
    realpath(file) {
      try {
        return fs.realpathSync(file);
      } catch {
        return undefined;
      }
    },
    exists,
    entries: (dir) => fs.readdirSync(dir),
    // Nothing to do: a file Node wrote itself carries no mark of the web.
    prepare: async () => undefined,
  };
  return self;
}
