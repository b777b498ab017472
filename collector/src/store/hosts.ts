import { randomUUID } from 'node:crypto';
import type { HostIdentity, Labels, OsInfo, ReportFrame } from '@siaga/shared';
import type { Db } from './db.js';

export interface HostRecord {
  id: string;
  agentId: string;
  hostname: string;
  hardwareUuid: string | null;
  fingerprint: string | null;
  os: OsInfo;
  site: string | null;
  group: string | null;
  tags: string[];
  agentVersion: string | null;
  enrolledAt: number;
  revokedAt: number | null;
  lastSeenAt: number | null;
  lastSeq: number;
  lastReportAt: number | null;
}

interface Row {
  id: string;
  agent_id: string;
  hostname: string;
  hardware_uuid: string | null;
  fingerprint: string | null;
  os_json: string;
  site: string | null;
  grp: string | null;
  tags_json: string;
  agent_version: string | null;
  enrolled_at: number;
  revoked_at: number | null;
  last_seen_at: number | null;
  last_seq: number;
  last_report_at: number | null;
}

const COLUMNS = 'id, agent_id, hostname, hardware_uuid, fingerprint, os_json, site, grp, tags_json, agent_version, enrolled_at, revoked_at, last_seen_at, last_seq, last_report_at';

function toRecord(r: Row): HostRecord {
  return {
    id: r.id,
    agentId: r.agent_id,
    hostname: r.hostname,
    hardwareUuid: r.hardware_uuid,
    fingerprint: r.fingerprint,
    os: JSON.parse(r.os_json) as OsInfo,
    site: r.site,
    group: r.grp,
    tags: JSON.parse(r.tags_json) as string[],
    agentVersion: r.agent_version,
    enrolledAt: r.enrolled_at,
    revokedAt: r.revoked_at,
    lastSeenAt: r.last_seen_at,
    lastSeq: r.last_seq,
    lastReportAt: r.last_report_at,
  };
}

/** A stored report as the host table keeps it; `json` is the report frame. */
export interface ReportRecord {
  hostId: string;
  seq: number;
  collectedAt: number;
  receivedAt: number;
  /** The report as JSON, when it is to be kept as the host's latest (ReportRecorder decides). */
  json?: string;
}

export interface EnrollInput {
  nonce: string;
  nodeKeyHash: string;
  host: HostIdentity;
  os: OsInfo;
  labels: Labels;
  agentVersion: string;
  now: number;
}

/** Hosts, their node keys (hashed) and their latest report. */
export class HostStore {
  private readonly byId;
  private readonly byKey;
  private readonly byNonce;
  private readonly insert;
  private readonly rekey;
  private readonly seen;
  private readonly report;
  private readonly keepLatest;
  private readonly latest;
  private readonly listAll;
  private readonly facts;
  private readonly revokeRow;
  private readonly revokedIds;
  private changes = 0;

  constructor(private readonly db: Db) {
    this.byId = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM hosts WHERE id = ?`);
    this.byKey = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM hosts WHERE node_key_hash = ? AND revoked_at IS NULL`);
    this.byNonce = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM hosts WHERE enroll_nonce = ?`);
    this.insert = db.prepare(
      `INSERT INTO hosts (id, agent_id, hostname, hardware_uuid, fingerprint, os_json, site, grp, tags_json, agent_version, node_key_hash, enroll_nonce, enrolled_at)
       VALUES (@id, @agentId, @hostname, @hardwareUuid, @fingerprint, @os, @site, @grp, @tags, @agentVersion, @keyHash, @nonce, @now)`,
    );
    this.rekey = db.prepare<[string, string]>('UPDATE hosts SET node_key_hash = ? WHERE id = ?');
    this.seen = db.prepare<[number, string]>('UPDATE hosts SET last_seen_at = ? WHERE id = ?');
    this.report = db.prepare<[number, number, number, string]>('UPDATE hosts SET last_seq = MAX(last_seq, ?), last_report_at = ?, last_seen_at = ? WHERE id = ?');
    this.keepLatest = db.prepare<[string, string]>('INSERT INTO host_latest_report (host_id, json) VALUES (?, ?) ON CONFLICT (host_id) DO UPDATE SET json = excluded.json');
    this.latest = db.prepare<[string], { json: string }>('SELECT json FROM host_latest_report WHERE host_id = ?');
    this.listAll = db.prepare<[], Row>(`SELECT ${COLUMNS} FROM hosts ORDER BY hostname, id`);
    this.facts = db.prepare(
      `UPDATE hosts SET hostname = @hostname, hardware_uuid = @hardwareUuid, fingerprint = @fingerprint, os_json = @os,
       site = @site, grp = @grp, tags_json = @tags, agent_version = @agentVersion, last_seen_at = @now WHERE id = @id`,
    );
    // The key hash and nonce are cleared: the key can never match again, and a retried
    // enrollment that reuses the nonce gets a new host instead of the revoked one.
    this.revokeRow = db.prepare<[number, string]>('UPDATE hosts SET revoked_at = ?, node_key_hash = NULL, enroll_nonce = NULL WHERE id = ? AND revoked_at IS NULL');
    this.revokedIds = db.prepare<[], string>('SELECT id FROM hosts WHERE revoked_at IS NOT NULL').pluck();
  }

  /** Changes whenever a host is added or revoked or its facts and labels change (not with reports). */
  get revision(): number {
    return this.changes;
  }

  /** Another process changed the store (see StoreChangeWatcher). */
  changedElsewhere(): void {
    this.changes += 1;
  }

  get(id: string): HostRecord | undefined {
    const row = this.byId.get(id);
    return row ? toRecord(row) : undefined;
  }

  /** The live (not revoked) host holding this node key hash. */
  byNodeKeyHash(hash: string): HostRecord | undefined {
    const row = this.byKey.get(hash);
    return row ? toRecord(row) : undefined;
  }

  list(): HostRecord[] {
    return this.listAll.all().map(toRecord);
  }

  /** The host whose id is `idOrPrefix` or uniquely starts with it (at least 4 characters). */
  resolve(idOrPrefix: string): { host: HostRecord } | { error: 'not_found' | 'ambiguous'; matches: number } {
    const exact = this.get(idOrPrefix);
    if (exact) return { host: exact };
    if (!/^[0-9a-f-]{4,36}$/i.test(idOrPrefix)) return { error: 'not_found', matches: 0 };
    const rows = this.db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM hosts WHERE id LIKE ? LIMIT 2`).all(`${idOrPrefix.toLowerCase()}%`);
    if (rows.length === 1) return { host: toRecord(rows[0] as Row) };
    return { error: rows.length === 0 ? 'not_found' : 'ambiguous', matches: rows.length };
  }

  /** Revokes the host's node key; false when it was already revoked or does not exist. */
  revoke(id: string, now: number): boolean {
    const revoked = this.revokeRow.run(now, id).changes > 0;
    if (revoked) this.changes += 1;
    return revoked;
  }

  /** Of the given host ids, those that are revoked. */
  revokedAmong(ids: Iterable<string>): string[] {
    const revoked = new Set(this.revokedIds.all());
    return [...ids].filter((id) => revoked.has(id));
  }

  /**
   * Creates a host for a new enrollment, or, when the nonce was seen before (a retried request
   * whose answer was lost), gives that same host the new key.
   */
  enroll(input: EnrollInput): HostRecord {
    this.changes += 1;
    return this.db.transaction(() => {
      const existing = this.byNonce.get(input.nonce);
      if (existing) {
        this.rekey.run(input.nodeKeyHash, existing.id);
        return toRecord(existing);
      }
      const id = randomUUID();
      this.insert.run({
        id,
        agentId: input.host.id,
        hostname: input.host.hostname,
        hardwareUuid: input.host.hardwareUuid ?? null,
        fingerprint: input.host.fingerprint ?? null,
        os: JSON.stringify(input.os),
        site: input.labels.site ?? null,
        grp: input.labels.group ?? null,
        tags: JSON.stringify(input.labels.tags),
        agentVersion: input.agentVersion,
        keyHash: input.nodeKeyHash,
        nonce: input.nonce,
        now: input.now,
      });
      return this.get(id) as HostRecord;
    })();
  }

  /** Refreshes what the agent says about itself in `hello`. */
  updateFacts(id: string, host: HostIdentity, os: OsInfo, labels: Labels, agentVersion: string, now: number): void {
    this.changes += 1;
    this.facts.run({
      id,
      hostname: host.hostname,
      hardwareUuid: host.hardwareUuid ?? null,
      fingerprint: host.fingerprint ?? null,
      os: JSON.stringify(os),
      site: labels.site ?? null,
      grp: labels.group ?? null,
      tags: JSON.stringify(labels.tags),
      agentVersion,
      now,
    });
  }

  touch(id: string, now: number): void {
    this.seen.run(now, id);
  }

  /** Records stored reports, in one transaction: the newest seq and report time of each host, and its report when given. */
  recordReports(reports: Iterable<ReportRecord>): void {
    this.db.transaction(() => {
      for (const r of reports) {
        this.report.run(r.seq, r.collectedAt, r.receivedAt, r.hostId);
        if (r.json !== undefined) this.keepLatest.run(r.hostId, r.json);
      }
    })();
  }

  latestReport(id: string): ReportFrame | undefined {
    const row = this.latest.get(id);
    return row ? (JSON.parse(row.json) as ReportFrame) : undefined;
  }
}
