import type { InventoryFrame } from '@siaga/shared';
import { hostTags } from '../ingest/points.js';
import type { Logger } from '../log.js';
import type { PolicyProvider } from '../policy/provider.js';
import type { ReadinessEngine } from '../readiness/engine.js';
import type { Point } from '../sinks/types.js';
import type { HostRecord, HostStore } from '../store/hosts.js';
import type { InventoryStore, StoredInventory } from '../store/inventory.js';
import { type AssembledInventory, InventoryAssembler } from './assembler.js';
import { softwareChecks } from './software-checks.js';

export interface InventoryDeps {
  store: InventoryStore;
  hosts: HostStore;
  policies: PolicyProvider;
  readiness: ReadinessEngine;
  write: (points: Point[]) => void;
  log: Logger;
  now: () => number;
}

/**
 * Receives inventories: assembles their parts per connection, stores them with what changed,
 * writes `siaga_inventory`/`siaga_software`, and judges the policy's software rules.
 */
export class InventoryService {
  private readonly assemblers = new WeakMap<object, InventoryAssembler>();

  constructor(private readonly deps: InventoryDeps) {}

  /** The hash of the stored inventory, told to the agent in `welcome`. */
  hash(hostId: string): string | undefined {
    return this.deps.store.hash(hostId);
  }

  receive(connection: object, host: HostRecord, frame: InventoryFrame): void {
    let assembler = this.assemblers.get(connection);
    if (!assembler) this.assemblers.set(connection, (assembler = new InventoryAssembler()));
    const whole = assembler.add(frame);
    if (whole) this.store(host, whole);
  }

  /** Judges every stored inventory again (the policy's software rules changed). */
  reevaluateAll(): void {
    for (const id of this.deps.store.hostIds()) {
      const host = this.deps.hosts.get(id);
      const inv = this.deps.store.get(id);
      if (host && inv) this.judge(host, inv);
    }
  }

  private store(host: HostRecord, whole: AssembledInventory): void {
    const inv: StoredInventory = { ...whole, receivedAt: this.deps.now() };
    const changes = this.deps.store.save(host.id, inv);
    this.deps.log.info({ host: host.id, software: inv.software.length, changes: changes.length }, 'inventory stored');
    this.deps.write(this.points(host, inv));
    this.judge(host, inv);
  }

  private judge(host: HostRecord, inv: StoredInventory): void {
    const rules = this.deps.policies.forHost(host).inventory;
    this.deps.readiness.inventoryChecks(host, softwareChecks(rules, inv.software, this.deps.now()));
  }

  private points(host: HostRecord, inv: StoredInventory): Point[] {
    const tags = hostTags(host);
    const hw = inv.hardware;
    const fields: Point['fields'] = { software_count: inv.software.length };
    const text: Record<string, string | undefined> = { os_name: hw.os?.name, os_version: hw.os?.version, os_build: hw.os?.build, vendor: hw.vendor, model: hw.model, cpu_model: hw.cpu?.model };
    for (const [k, v] of Object.entries(text)) if (v) fields[k] = v;
    if (hw.memoryBytes !== undefined) fields.memory_bytes = hw.memoryBytes;
    const points: Point[] = [{ measurement: 'siaga_inventory', tags, fields, time: inv.receivedAt }];
    for (const s of inv.software) points.push({ measurement: 'siaga_software', tags: { ...tags, name: s.name }, fields: { version: s.version ?? '', present: 1 }, time: inv.receivedAt });
    return points;
  }
}
