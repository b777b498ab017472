import { existsSync, readdirSync, readFileSync } from 'node:fs';

/*
 * /proc and /sys files are written by the kernel from memory when read: a read never waits for a
 * disk, so it is done synchronously. That costs a few microseconds, where an asynchronous read
 * (open, stat, read and close, each a trip through the thread pool) costs ten times more CPU —
 * and some probes run every second while a check watches them.
 */

/** The file's text, or undefined when it does not exist or cannot be read. */
export function readKernelFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The entries of a /proc or /sys directory, sorted; empty when it does not exist. */
export function listKernelDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

export const kernelFileExists = (file: string): boolean => existsSync(file);
