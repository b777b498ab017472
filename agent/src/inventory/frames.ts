import { type InventoryFrame, LIMITS, PROTOCOL_VERSION, type Software } from '@siaga/shared';
import type { Inventory } from './types.js';

/** Room left in a frame for the software list, below the protocol's frame limit. */
const PART_BUDGET_BYTES = LIMITS.maxFrameBytes - 8 * 1024;

/**
 * Splits an inventory into frames that each stay under the frame size and entry limits; part 0
 * carries the hardware. Parts share the content hash so the collector can put them together.
 */
export function inventoryFrames(inventory: Inventory, hash: string, collectedAt: number): InventoryFrame[] {
  const parts: Software[][] = [[]];
  let size = JSON.stringify(inventory.hardware).length;
  for (const item of inventory.software) {
    const cost = JSON.stringify(item).length + 1;
    const current = parts[parts.length - 1] as Software[];
    if (current.length > 0 && (size + cost > PART_BUDGET_BYTES || current.length >= LIMITS.maxSoftwarePerInventoryPart)) {
      parts.push([item]);
      size = cost;
    } else {
      current.push(item);
      size += cost;
    }
  }
  // A fleet machine with more software than the protocol carries keeps its first entries.
  const kept = parts.slice(0, LIMITS.maxInventoryParts);
  return kept.map((software, part) => {
    const frame: InventoryFrame = { v: PROTOCOL_VERSION, type: 'inventory', collectedAt, hash, part, parts: kept.length, software };
    if (part === 0) frame.hardware = inventory.hardware;
    return frame;
  });
}
