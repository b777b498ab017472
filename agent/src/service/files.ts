import { chmodSync, copyFileSync, lstatSync, mkdirSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Creates a folder (and its parents) and sets its mode even when it already existed or umask interfered. */
export function ensureDir(dir: string, mode: number): void {
  // Parents get ordinary permissions: `mode` is for this folder only.
  mkdirSync(path.dirname(dir), { recursive: true });
  mkdirSync(dir, { recursive: true, mode });
  if (process.platform !== 'win32') chmodSync(dir, mode);
}

/** Writes a file through a temporary name in the same folder: readers see the old or the new file, never half. */
export function writeFileAtomic(file: string, data: string | Uint8Array, mode: number): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data, { mode });
  if (process.platform !== 'win32') chmodSync(tmp, mode);
  renameSync(tmp, file);
}

/** Copies a file atomically with the given mode. */
export function copyFileAtomic(source: string, dest: string, mode: number): void {
  mkdirSync(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.tmp-${process.pid}`;
  copyFileSync(source, tmp);
  if (process.platform !== 'win32') chmodSync(tmp, mode);
  renameSync(tmp, dest);
}

/** Points `link` at `target` by renaming a fresh link over it, so there is no moment without one. */
export function switchSymlink(link: string, target: string): void {
  mkdirSync(path.dirname(link), { recursive: true });
  const tmp = `${link}.tmp-${process.pid}`;
  rmSync(tmp, { force: true });
  symlinkSync(target, tmp);
  renameSync(tmp, link);
}

/** The target of a symbolic link, or undefined when `link` is not one. */
export function linkTarget(link: string): string | undefined {
  try {
    return lstatSync(link).isSymbolicLink() ? readlinkSync(link) : undefined;
  } catch {
    return undefined;
  }
}

export function exists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

export function remove(file: string): void {
  rmSync(file, { recursive: true, force: true });
}
