export { collectInventory } from './collect.js';
export { inventoryHash } from './hash.js';
export type { Inventory, InventoryContext } from './types.js';
