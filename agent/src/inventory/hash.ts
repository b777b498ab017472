import { createHash } from 'node:crypto';
import type { Hardware, Software } from '@siaga/shared';

/** JSON with object keys sorted at every level and undefined members left out. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Content hash of an inventory (SHA-256, hex): equal for equal content whatever the key or
 * list order, so the agent sends an inventory only when it changed.
 */
export function inventoryHash(inventory: { hardware: Hardware; software: readonly Software[] }): string {
  const software = inventory.software.map(canonical).sort();
  return createHash('sha256').update(`{"hardware":${canonical(inventory.hardware)},"software":[${software.join(',')}]}`).digest('hex');
}
