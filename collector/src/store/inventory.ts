import type { Hardware, Software } from '@siaga/shared';
import type { Db } from './db.js';

export interface StoredInventory {
  hash: string;
  collectedAt: number;
  receivedAt: number;
  hardware: Hardware;
  software: Software[];
}

export interface InventoryChange {
  hostId: string;
  at: number;
  change: 'added' | 'removed' | 'updated' | 'hardware';
  name: string;
  oldVersion: string | null;
  newVersion: string | null;
}

const key = (s: Software) => s.name.toLowerCase();

/** What changed between two software lists (by name; a changed version is an update). */
export function diffSoftware(before: readonly Software[], after: readonly Software[]): Array<Omit<InventoryChange, 'hostId' | 'at'>> {
  const old = new Map(before.map((s) => [key(s), s]));
  const now = new Map(after.map((s) => [key(s), s]));
  const changes: Array<Omit<InventoryChange, 'hostId' | 'at'>> = [];
  for (const [k, s] of now) {
    const was = old.get(k);
    if (!was) changes.push({ change: 'added', name: s.name, oldVersion: null, newVersion: s.version ?? null });
    else if ((was.version ?? null) !== (s.version ?? null)) changes.push({ change: 'updated', name: s.name, oldVersion: was.version ?? null, newVersion: s.version ?? null });
  }
  for (const [k, s] of old) if (!now.has(k)) changes.push({ change: 'removed', name: s.name, oldVersion: s.version ?? null, newVersion: null });
  return changes;
}

/** The newest inventory per host and the changes between successive ones. */
export class InventoryStore {
  constructor(private readonly db: Db) {}

  get(hostId: string): StoredInventory | undefined {
    const row = this.db
      .prepare<[string], { hash: string; collected_at: number; received_at: number; hardware_json: string; software_json: string }>('SELECT * FROM host_inventory WHERE host_id = ?')
      .get(hostId);
    if (!row) return undefined;
    return { hash: row.hash, collectedAt: row.collected_at, receivedAt: row.received_at, hardware: JSON.parse(row.hardware_json) as Hardware, software: JSON.parse(row.software_json) as Software[] };
  }

  hash(hostId: string): string | undefined {
    return this.db.prepare<[string], { hash: string }>('SELECT hash FROM host_inventory WHERE host_id = ?').get(hostId)?.hash;
  }

  hostIds(): string[] {
    return this.db.prepare<[], { host_id: string }>('SELECT host_id FROM host_inventory').all().map((r) => r.host_id);
  }

  /** Saves a new inventory and records what changed since the previous one (nothing for the first). */
  save(hostId: string, inv: StoredInventory): InventoryChange[] {
    return this.db.transaction(() => {
      const previous = this.get(hostId);
      const changes: InventoryChange[] = [];
      if (previous) {
        for (const c of diffSoftware(previous.software, inv.software)) changes.push({ hostId, at: inv.receivedAt, ...c });
        if (JSON.stringify(previous.hardware) !== JSON.stringify(inv.hardware)) changes.push({ hostId, at: inv.receivedAt, change: 'hardware', name: 'hardware', oldVersion: null, newVersion: null });
      }
      this.db
        .prepare(
          `INSERT INTO host_inventory (host_id, hash, collected_at, received_at, hardware_json, software_json) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT(host_id) DO UPDATE SET hash = excluded.hash, collected_at = excluded.collected_at, received_at = excluded.received_at,
             hardware_json = excluded.hardware_json, software_json = excluded.software_json`,
        )
        .run(hostId, inv.hash, inv.collectedAt, inv.receivedAt, JSON.stringify(inv.hardware), JSON.stringify(inv.software));
      const insert = this.db.prepare('INSERT INTO inventory_changes (host_id, at, change, name, old_version, new_version) VALUES (?, ?, ?, ?, ?, ?)');
      for (const c of changes) insert.run(c.hostId, c.at, c.change, c.name, c.oldVersion, c.newVersion);
      return changes;
    })();
  }

  changes(hostIds: readonly string[] | 'all', from: number, to: number, limit = 5000): InventoryChange[] {
    const rows = this.db
      .prepare<[number, number, number], { host_id: string; at: number; change: InventoryChange['change']; name: string; old_version: string | null; new_version: string | null }>(
        'SELECT * FROM inventory_changes WHERE at >= ? AND at <= ? ORDER BY at DESC LIMIT ?',
      )
      .all(from, to, limit);
    const wanted = hostIds === 'all' ? undefined : new Set(hostIds);
    return rows
      .filter((r) => !wanted || wanted.has(r.host_id))
      .map((r) => ({ hostId: r.host_id, at: r.at, change: r.change, name: r.name, oldVersion: r.old_version, newVersion: r.new_version }));
  }
}
