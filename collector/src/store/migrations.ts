/** Schema steps, applied in order; never edit a step that has shipped, add one. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE hosts (
    id TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL,
    hostname TEXT NOT NULL,
    hardware_uuid TEXT,
    fingerprint TEXT,
    os_json TEXT NOT NULL,
    site TEXT,
    grp TEXT,
    tags_json TEXT NOT NULL DEFAULT '[]',
    agent_version TEXT,
    node_key_hash TEXT UNIQUE,
    enroll_nonce TEXT UNIQUE,
    enrolled_at INTEGER NOT NULL,
    revoked_at INTEGER,
    last_seen_at INTEGER,
    last_seq INTEGER NOT NULL DEFAULT 0,
    last_report_at INTEGER,
    latest_report_json TEXT
  );
  CREATE INDEX hosts_site ON hosts(site);
  CREATE TABLE enroll_secrets (
    id TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  `,
];
