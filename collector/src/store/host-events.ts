import type { Db } from './db.js';

export const HOST_EVENT_KINDS = ['enrolled', 'revoked', 'duplicate_identity'] as const;
export type HostEventKind = (typeof HOST_EVENT_KINDS)[number];

export interface HostEvent {
  id: number;
  hostId: string;
  kind: HostEventKind;
  /** First occurrence. */
  at: number;
  /** Latest occurrence folded into this event. */
  lastAt: number;
  count: number;
  detail: Record<string, unknown>;
}

interface Row {
  id: number;
  host_id: string;
  kind: HostEventKind;
  at: number;
  last_at: number;
  count: number;
  detail_json: string;
}

const toEvent = (r: Row): HostEvent => ({ id: r.id, hostId: r.host_id, kind: r.kind, at: r.at, lastAt: r.last_at, count: r.count, detail: JSON.parse(r.detail_json) as Record<string, unknown> });

/** Repeats of one kind for one host within this window become one event with a count. */
const FOLD_MS = 10 * 60_000;
const KEEP_MS = 180 * 86_400_000;

/**
 * Security events per host. A twin that keeps reconnecting is one `duplicate_identity` event
 * with a growing count, not thousands of rows. Listeners (the alert engine) hear each new event.
 */
export class HostEventStore {
  private readonly recent;
  private readonly bump;
  private readonly insert;
  private readonly byHost;
  private readonly prune;
  private readonly listeners: Array<(event: HostEvent) => void> = [];
  private lastPrune = 0;

  constructor(db: Db) {
    this.recent = db.prepare<[string, string, number], Row>('SELECT * FROM host_events WHERE host_id = ? AND kind = ? AND last_at >= ? ORDER BY id DESC LIMIT 1');
    this.bump = db.prepare<[number, string, number]>('UPDATE host_events SET last_at = ?, count = count + 1, detail_json = ? WHERE id = ?');
    this.insert = db.prepare<[string, string, number, number, string]>('INSERT INTO host_events (host_id, kind, at, last_at, detail_json) VALUES (?, ?, ?, ?, ?)');
    this.byHost = db.prepare<[string, number], Row>('SELECT * FROM host_events WHERE host_id = ? ORDER BY id DESC LIMIT ?');
    this.prune = db.prepare<[number]>('DELETE FROM host_events WHERE last_at < ?');
  }

  /** Listeners hear new events, not folded repeats. */
  onEvent(listener: (event: HostEvent) => void): void {
    this.listeners.push(listener);
  }

  record(hostId: string, kind: HostEventKind, detail: Record<string, unknown>, now: number): HostEvent {
    const previous = this.recent.get(hostId, kind, now - FOLD_MS);
    if (previous) {
      this.bump.run(now, JSON.stringify(detail), previous.id);
      return { ...toEvent(previous), lastAt: now, count: previous.count + 1, detail };
    }
    const id = Number(this.insert.run(hostId, kind, now, now, JSON.stringify(detail)).lastInsertRowid);
    if (now - this.lastPrune > 86_400_000) this.pruneOld(now);
    const event: HostEvent = { id, hostId, kind, at: now, lastAt: now, count: 1, detail };
    for (const listener of this.listeners) listener(event);
    return event;
  }

  forHost(hostId: string, limit = 100): HostEvent[] {
    return this.byHost.all(hostId, limit).map(toEvent);
  }

  /** Drops events older than the retention (180 days). */
  pruneOld(now: number): number {
    this.lastPrune = now;
    return this.prune.run(now - KEEP_MS).changes;
  }
}
