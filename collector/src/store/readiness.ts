import type { CheckResult } from '@siaga/shared';
import type { HostReadiness, Reason, Verdict } from '../readiness/types.js';
import type { Db } from './db.js';

export interface StoredReadiness extends HostReadiness {
  inventoryChecks: CheckResult[];
  goodbye: { reason: string; at: number } | null;
}

interface Row {
  host_id: string;
  verdict: Verdict;
  expected: number;
  since: number;
  reasons_json: string;
  checks_json: string;
  inventory_checks_json: string;
  last_live_at: number | null;
  goodbye_reason: string | null;
  goodbye_at: number | null;
}

export interface HistoryEntry {
  at: number;
  verdict: Verdict;
  expected: boolean;
  reasons: Reason[];
}

/** Current verdict per host and the timeline of verdict changes. */
export class ReadinessStore {
  private readonly upsert;
  private readonly insertHistory;

  constructor(private readonly db: Db) {
    this.upsert = db.prepare(
      `INSERT INTO host_readiness (host_id, verdict, expected, since, reasons_json, checks_json, inventory_checks_json, last_live_at, goodbye_reason, goodbye_at, updated_at)
       VALUES (@hostId, @verdict, @expected, @since, @reasons, @checks, @inventoryChecks, @lastLiveAt, @goodbyeReason, @goodbyeAt, @now)
       ON CONFLICT(host_id) DO UPDATE SET verdict = excluded.verdict, expected = excluded.expected, since = excluded.since,
         reasons_json = excluded.reasons_json, checks_json = excluded.checks_json, inventory_checks_json = excluded.inventory_checks_json,
         last_live_at = excluded.last_live_at, goodbye_reason = excluded.goodbye_reason, goodbye_at = excluded.goodbye_at, updated_at = excluded.updated_at`,
    );
    this.insertHistory = db.prepare('INSERT INTO verdict_history (host_id, at, verdict, expected, reasons_json) VALUES (?, ?, ?, ?, ?)');
  }

  loadAll(): StoredReadiness[] {
    return this.db
      .prepare<[], Row>('SELECT * FROM host_readiness')
      .all()
      .map((r) => ({
        hostId: r.host_id,
        verdict: r.verdict,
        expected: r.expected === 1,
        since: r.since,
        reasons: JSON.parse(r.reasons_json) as Reason[],
        checks: JSON.parse(r.checks_json) as CheckResult[],
        inventoryChecks: JSON.parse(r.inventory_checks_json) as CheckResult[],
        lastLiveAt: r.last_live_at,
        goodbye: r.goodbye_reason !== null && r.goodbye_at !== null ? { reason: r.goodbye_reason, at: r.goodbye_at } : null,
      }));
  }

  /** Saves the current state; appends to the timeline when the verdict changed. */
  save(state: StoredReadiness, changed: boolean, now: number): void {
    this.saveMany([state], changed ? [{ hostId: state.hostId, at: state.since, verdict: state.verdict, expected: state.expected, reasons: state.reasons }] : [], now);
  }

  /** Saves states and appends verdict changes to the timeline, in one transaction (one commit, not one per host). */
  saveMany(states: Iterable<StoredReadiness>, changes: Iterable<HistoryEntry & { hostId: string }>, now: number): void {
    this.db.transaction(() => {
      for (const state of states) {
        this.upsert.run({
          hostId: state.hostId,
          verdict: state.verdict,
          expected: state.expected ? 1 : 0,
          since: state.since,
          reasons: JSON.stringify(state.reasons),
          checks: JSON.stringify(state.checks),
          inventoryChecks: JSON.stringify(state.inventoryChecks),
          lastLiveAt: state.lastLiveAt,
          goodbyeReason: state.goodbye?.reason ?? null,
          goodbyeAt: state.goodbye?.at ?? null,
          now,
        });
      }
      for (const c of changes) this.insertHistory.run(c.hostId, c.at, c.verdict, c.expected ? 1 : 0, JSON.stringify(c.reasons));
    })();
  }

  history(hostId: string, from: number, to: number, limit = 1000): HistoryEntry[] {
    return this.db
      .prepare<[string, number, number, number], { at: number; verdict: Verdict; expected: number; reasons_json: string }>(
        'SELECT at, verdict, expected, reasons_json FROM verdict_history WHERE host_id = ? AND at >= ? AND at <= ? ORDER BY at DESC LIMIT ?',
      )
      .all(hostId, from, to, limit)
      .map((r) => ({ at: r.at, verdict: r.verdict, expected: r.expected === 1, reasons: JSON.parse(r.reasons_json) as Reason[] }));
  }
}
