import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './db.js';
import { HostStore } from './hosts.js';
import { MIGRATIONS } from './migrations.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('store migrations', () => {
  it('moves the latest reports of a store written before host_latest_report into it, and keeps recording there', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'siaga-migrate-'));
    dirs.push(dir);
    // A store as the previous release left it.
    const old = new Database(path.join(dir, 'siaga.db'));
    for (const sql of MIGRATIONS.slice(0, -1)) old.exec(sql);
    old.pragma(`user_version = ${MIGRATIONS.length - 1}`);
    const report = { v: 1, type: 'report', seq: 41, collectedAt: 1_790_000_000_000, metrics: [{ m: 'mem', fields: { used_percent: 40 } }], checks: [] };
    old.prepare(`INSERT INTO hosts (id, agent_id, hostname, os_json, tags_json, enrolled_at, node_key_hash, enroll_nonce, last_seq, latest_report_json) VALUES ('h1', 'a1', 'pc-1', '{}', '[]', 0, 'k1', 'n1', 41, ?)`).run(JSON.stringify(report));
    old.prepare(`INSERT INTO hosts (id, agent_id, hostname, os_json, tags_json, enrolled_at, node_key_hash, enroll_nonce) VALUES ('h2', 'a2', 'pc-2', '{}', '[]', 0, 'k2', 'n2')`).run();
    old.close();

    const db = openDatabase(dir);
    try {
      const hosts = new HostStore(db);
      expect(hosts.latestReport('h1')).toEqual(report);
      expect(hosts.latestReport('h2')).toBeUndefined();
      expect(db.prepare("SELECT count(*) AS n FROM pragma_table_info('hosts') WHERE name = 'latest_report_json'").get()).toEqual({ n: 0 });
      hosts.recordReports([{ hostId: 'h1', seq: 42, collectedAt: 2, receivedAt: 3 }]);
      expect(hosts.get('h1')?.lastSeq).toBe(42);
      expect(hosts.latestReport('h1')?.seq, 'a report not kept as the latest leaves the kept one').toBe(41);
      hosts.recordReports([{ hostId: 'h1', seq: 43, collectedAt: 4, receivedAt: 5, json: JSON.stringify({ ...report, seq: 43 }) }]);
      expect(hosts.latestReport('h1')?.seq).toBe(43);
    } finally {
      db.close();
    }
  });
});
