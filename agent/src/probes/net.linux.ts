import { readFileSync } from 'node:fs';

/** Traffic counters of one interface since boot, as the kernel keeps them. */
export interface NetCounters {
  rxBytes: number;
  rxErrors: number;
  rxDropped: number;
  txBytes: number;
  txErrors: number;
  txDropped: number;
}

/**
 * Parses /proc/net/dev: two header lines, then "  eth0: rx bytes packets errs drop fifo frame
 * compressed multicast tx bytes packets errs drop ...". The name may touch the colon's numbers.
 */
export function parseProcNetDev(text: string): Map<string, NetCounters> {
  const out = new Map<string, NetCounters>();
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const v = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (!name || v.length < 12) continue;
    const n = (i: number) => v[i] ?? 0;
    out.set(name, { rxBytes: n(0), rxErrors: n(2), rxDropped: n(3), txBytes: n(8), txErrors: n(10), txDropped: n(11) });
  }
  return out;
}

/** `/sys/class/net/<if>/operstate` ("up", "down", "unknown"...); "unknown" when unreadable. */
export function readOperstate(iface: string, sysRoot = '/sys'): string {
  try {
    return readFileSync(`${sysRoot}/class/net/${iface}/operstate`, 'utf8').trim();
  } catch {
    return 'unknown';
  }
}
