import { LIMITS, type Software, softwareSchema } from '@siaga/shared';
import { cleanText } from '../probes/parsers/text.js';
import type { RawSoftware } from './types.js';

/** The most software entries one inventory can carry (parts × entries per part). */
export const MAX_SOFTWARE = LIMITS.maxInventoryParts * LIMITS.maxSoftwarePerInventoryPart;

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Bounds and cleans every field (no control characters, ≤256 characters), drops duplicates
 * (same name, version and source: multi-arch packages, 32- and 64-bit registry views) and
 * sorts by name, so that the same machine always yields the same list.
 */
export function normalizeSoftware(raw: readonly RawSoftware[]): Software[] {
  const seen = new Set<string>();
  const out: Software[] = [];
  for (const r of raw) {
    const name = cleanText(r.name);
    if (!name) continue;
    const entry: Software = { name };
    const version = cleanText(r.version);
    const publisher = cleanText(r.publisher);
    const source = cleanText(r.source, 32);
    const installedAt = cleanText(r.installedAt);
    if (version) entry.version = version;
    if (publisher) entry.publisher = publisher;
    if (source) entry.source = source;
    if (installedAt) entry.installedAt = installedAt;
    const key = `${name}\u0000${version ?? ''}\u0000${source ?? ''}`;
    if (seen.has(key) || !softwareSchema.safeParse(entry).success) continue;
    seen.add(key);
    out.push(entry);
  }
  out.sort((a, b) => byText(a.name, b.name) || byText(a.version ?? '', b.version ?? '') || byText(a.source ?? '', b.source ?? ''));
  return out.slice(0, MAX_SOFTWARE);
}
