/** The /proc/meminfo figures the `mem` and `swap` points need, in bytes. */
export interface MemInfo {
  total: number;
  available: number;
  swapTotal: number;
  swapFree: number;
}

/**
 * Parses /proc/meminfo ("MemTotal:  16314532 kB"). Kernels before 3.14 have no MemAvailable:
 * free + buffers + page cache stands in for it, as `free` does.
 */
export function parseMeminfo(text: string): MemInfo {
  const kb = new Map<string, number>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) kb.set(line.slice(0, colon), Number.parseInt(line.slice(colon + 1), 10) || 0);
  }
  const bytes = (key: string) => (kb.get(key) ?? 0) * 1024;
  const total = bytes('MemTotal');
  if (!(total > 0)) throw new Error('/proc/meminfo: no MemTotal');
  const available = kb.has('MemAvailable') ? bytes('MemAvailable') : bytes('MemFree') + bytes('Buffers') + bytes('Cached') + bytes('SReclaimable');
  return { total, available, swapTotal: bytes('SwapTotal'), swapFree: bytes('SwapFree') };
}
