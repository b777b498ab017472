import { z } from 'zod';
import type { Db } from '../store/db.js';

const instant = z.union([z.number().int().min(0), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))]);

/** `PUT /v1/hosts/:id/maintenance`. */
export const maintenanceSchema = z
  .object({
    /** Epoch ms or RFC 3339. */
    until: instant.optional(),
    /** Instead of until: seconds from now. */
    durationSec: z.number().int().min(1).max(366 * 86_400).optional(),
    by: z.string().min(1).max(128),
    comment: z.string().max(1000).default(''),
  })
  .strict()
  .refine((m) => (m.until === undefined) !== (m.durationSec === undefined), { message: 'give until or durationSec (one of them)', path: ['until'] });

export interface Maintenance {
  hostId: string;
  until: number;
  by: string;
  comment: string;
  setAt: number;
}

interface Row {
  host_id: string;
  until: number;
  set_by: string;
  comment: string;
  set_at: number;
}

const toMaintenance = (r: Row): Maintenance => ({ hostId: r.host_id, until: r.until, by: r.set_by, comment: r.comment, setAt: r.set_at });

/** Per-host maintenance mode: its alerts are kept but nobody is paged until `until`. */
export class MaintenanceStore {
  private readonly cache = new Map<string, Maintenance>();

  constructor(private readonly db: Db) {
    for (const row of db.prepare<[], Row>('SELECT * FROM host_maintenance').all()) this.cache.set(row.host_id, toMaintenance(row));
  }

  set(hostId: string, input: z.infer<typeof maintenanceSchema>, now: number): Maintenance {
    const m: Maintenance = { hostId, until: input.until ?? now + (input.durationSec as number) * 1000, by: input.by, comment: input.comment, setAt: now };
    this.db
      .prepare(
        `INSERT INTO host_maintenance (host_id, until, set_by, comment, set_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(host_id) DO UPDATE SET until = excluded.until, set_by = excluded.set_by, comment = excluded.comment, set_at = excluded.set_at`,
      )
      .run(hostId, m.until, m.by, m.comment, now);
    this.cache.set(hostId, m);
    return m;
  }

  clear(hostId: string): boolean {
    this.cache.delete(hostId);
    return this.db.prepare('DELETE FROM host_maintenance WHERE host_id = ?').run(hostId).changes > 0;
  }

  /** The host's maintenance if it is in force now. */
  active(hostId: string, now: number): Maintenance | undefined {
    const m = this.cache.get(hostId);
    return m && m.until > now ? m : undefined;
  }

  get(hostId: string): Maintenance | undefined {
    return this.cache.get(hostId);
  }
}
