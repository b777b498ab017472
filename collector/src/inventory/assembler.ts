import type { Hardware, InventoryFrame, Software } from '@siaga/shared';

export interface AssembledInventory {
  hash: string;
  collectedAt: number;
  hardware: Hardware;
  software: Software[];
}

/**
 * Puts an agent's inventory parts back together (one connection's worth; parts of a new hash
 * replace an unfinished older one, so a half-sent inventory never lingers).
 */
export class InventoryAssembler {
  private hash: string | undefined;
  private parts: Array<InventoryFrame | undefined> = [];

  /** Returns the whole inventory once its last missing part arrives. */
  add(frame: InventoryFrame): AssembledInventory | undefined {
    if (frame.hash !== this.hash || this.parts.length !== frame.parts) {
      this.hash = frame.hash;
      this.parts = new Array<InventoryFrame | undefined>(frame.parts).fill(undefined);
    }
    this.parts[frame.part] = frame;
    if (this.parts.some((p) => p === undefined)) return undefined;
    const parts = this.parts as InventoryFrame[];
    this.hash = undefined;
    this.parts = [];
    return { hash: frame.hash, collectedAt: (parts[0] as InventoryFrame).collectedAt, hardware: (parts[0] as InventoryFrame).hardware ?? {}, software: parts.flatMap((p) => p.software) };
  }
}
