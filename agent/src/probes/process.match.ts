import path from 'node:path';

/** A configured process name: a plain program name, no paths, wildcards or shell characters. */
export const PROCESS_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._+()-]{0,127}$/;

/** Samples of one configured name, summed over its processes. */
export interface ProcessSample {
  count: number;
  /** Percent of one core, summed over the processes; undefined when there is no earlier sample. */
  cpuPercent?: number;
  rssBytes: number;
}

/**
 * Compares a configured name with a program name the OS reports. Windows and macOS compare
 * without case; Windows also without the `.exe` suffix; a full path is reduced to its last part.
 */
export function nameMatcher(platform: NodeJS.Platform): (configured: string, reported: string) => boolean {
  if (platform === 'win32') {
    const norm = (s: string) => path.win32.basename(s).toLowerCase().replace(/\.exe$/, '');
    return (c, r) => norm(c) === norm(r);
  }
  if (platform === 'darwin') return (c, r) => c.toLowerCase() === path.posix.basename(r).toLowerCase();
  return (c, r) => c === path.posix.basename(r);
}
