import type { AlertLabels } from '../types.js';

const FNV_OFFSET = 14695981039346656037n;
const FNV_PRIME = 1099511628211n;
const MASK = (1n << 64n) - 1n;
const SEPARATOR = 0xff;

/**
 * Alertmanager's alert fingerprint: FNV-1a 64 over the label names in byte order, each name and
 * value followed by 0xff, printed as 16 hex digits. Receivers deduplicate alerts on it.
 */
export function fingerprint(labels: AlertLabels): string {
  let hash = FNV_OFFSET;
  const add = (bytes: Iterable<number>) => {
    for (const b of bytes) hash = ((hash ^ BigInt(b)) * FNV_PRIME) & MASK;
  };
  const names = Object.keys(labels).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const name of names) {
    add(Buffer.from(name));
    add([SEPARATOR]);
    add(Buffer.from(labels[name] as string));
    add([SEPARATOR]);
  }
  return hash.toString(16).padStart(16, '0');
}
