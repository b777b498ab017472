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
  // Webhook outbox: one row per (notification, receiver), written before the first attempt.
  `
  CREATE TABLE notify_outbox (
    id TEXT PRIMARY KEY,
    notification_id TEXT NOT NULL,
    group_key TEXT NOT NULL,
    receiver TEXT NOT NULL,
    format TEXT NOT NULL,
    url TEXT NOT NULL,
    body TEXT NOT NULL,
    signing TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    last_attempt_at INTEGER,
    delivered_at INTEGER,
    last_status_code INTEGER,
    last_error TEXT
  );
  CREATE INDEX notify_outbox_due ON notify_outbox(status, next_attempt_at);
  CREATE INDEX notify_outbox_queue ON notify_outbox(receiver, group_key, status);
  CREATE INDEX notify_outbox_notification ON notify_outbox(notification_id);
  CREATE TABLE notify_outbox_alerts (
    alert_id TEXT NOT NULL,
    delivery_id TEXT NOT NULL REFERENCES notify_outbox(id) ON DELETE CASCADE,
    PRIMARY KEY (alert_id, delivery_id)
  ) WITHOUT ROWID;
  CREATE INDEX notify_outbox_alerts_delivery ON notify_outbox_alerts(delivery_id);
  CREATE TABLE notify_attempts (
    delivery_id TEXT NOT NULL REFERENCES notify_outbox(id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    duration_ms INTEGER,
    address TEXT,
    status_code INTEGER,
    error TEXT,
    PRIMARY KEY (delivery_id, attempt)
  ) WITHOUT ROWID;
  `,
  // Readiness: the current verdict per host (survives restarts) and every verdict change.
  `
  CREATE TABLE host_readiness (
    host_id TEXT PRIMARY KEY REFERENCES hosts(id) ON DELETE CASCADE,
    verdict TEXT NOT NULL,
    expected INTEGER NOT NULL DEFAULT 0,
    since INTEGER NOT NULL,
    reasons_json TEXT NOT NULL,
    checks_json TEXT NOT NULL DEFAULT '[]',
    inventory_checks_json TEXT NOT NULL DEFAULT '[]',
    last_live_at INTEGER,
    goodbye_reason TEXT,
    goodbye_at INTEGER,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE verdict_history (
    host_id TEXT NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    verdict TEXT NOT NULL,
    expected INTEGER NOT NULL DEFAULT 0,
    reasons_json TEXT NOT NULL
  );
  CREATE INDEX verdict_history_host ON verdict_history(host_id, at);
  CREATE INDEX verdict_history_at ON verdict_history(at);
  `,
  // Alerts: episodes, their events (the machines' repair records), group dispatch state,
  // flap history per condition, silences and per-host maintenance.
  `
  CREATE TABLE alerts (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL,
    rule TEXT NOT NULL,
    host_id TEXT NOT NULL,
    group_key TEXT NOT NULL,
    labels_json TEXT NOT NULL,
    summary TEXT NOT NULL,
    reason TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
    active_since INTEGER NOT NULL,
    for_ms INTEGER NOT NULL,
    clear_after INTEGER NOT NULL,
    fired_at INTEGER,
    resolved_at INTEGER,
    notified_at INTEGER,
    closed INTEGER NOT NULL DEFAULT 0,
    healthy_streak INTEGER NOT NULL DEFAULT 0,
    acked_by TEXT,
    acked_at INTEGER,
    suppressed_by TEXT,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX alerts_open ON alerts(closed) WHERE closed = 0;
  CREATE INDEX alerts_host ON alerts(host_id, active_since);
  CREATE INDEX alerts_state ON alerts(state, active_since);
  CREATE TABLE alert_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_id TEXT NOT NULL,
    host_id TEXT NOT NULL,
    rule TEXT NOT NULL,
    at INTEGER NOT NULL,
    type TEXT NOT NULL,
    detail_json TEXT NOT NULL
  );
  CREATE INDEX alert_events_host ON alert_events(host_id, at);
  CREATE INDEX alert_events_alert ON alert_events(alert_id, id);
  CREATE TABLE alert_groups (
    key TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    rule TEXT NOT NULL,
    escalation_policy TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    episode_start INTEGER,
    escalation_start INTEGER,
    tier INTEGER NOT NULL,
    last_flush_at INTEGER,
    last_sent_at INTEGER,
    snapshot TEXT NOT NULL,
    acked_by TEXT,
    acked_at INTEGER
  );
  CREATE TABLE alert_series (
    key TEXT PRIMARY KEY,
    history TEXT NOT NULL,
    flapping INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE silences (
    id TEXT PRIMARY KEY,
    matchers_json TEXT NOT NULL,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    comment TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expired_at INTEGER
  );
  CREATE INDEX silences_ends ON silences(ends_at);
  CREATE TABLE host_maintenance (
    host_id TEXT PRIMARY KEY,
    until INTEGER NOT NULL,
    set_by TEXT NOT NULL,
    comment TEXT NOT NULL,
    set_at INTEGER NOT NULL
  );
  `,
  // Inventory: the newest hardware and software list per host, and what changed between lists.
  `
  CREATE TABLE host_inventory (
    host_id TEXT PRIMARY KEY REFERENCES hosts(id) ON DELETE CASCADE,
    hash TEXT NOT NULL,
    collected_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    hardware_json TEXT NOT NULL,
    software_json TEXT NOT NULL
  );
  CREATE TABLE inventory_changes (
    host_id TEXT NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    change TEXT NOT NULL CHECK (change IN ('added', 'removed', 'updated', 'hardware')),
    name TEXT NOT NULL,
    old_version TEXT,
    new_version TEXT
  );
  CREATE INDEX inventory_changes_host ON inventory_changes(host_id, at);
  CREATE INDEX inventory_changes_at ON inventory_changes(at);
  `,
  // Access: local users, browser sessions and API tokens (both stored hashed), the audit log of
  // every change; and the per-host maintenance log technicians keep.
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    password_changed_at INTEGER NOT NULL,
    disabled_at INTEGER
  );
  CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ip TEXT,
    user_agent TEXT
  );
  CREATE INDEX sessions_user ON sessions(user_id);
  CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER,
    last_used_at INTEGER
  );
  CREATE INDEX api_tokens_user ON api_tokens(user_id);
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    via TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    detail_json TEXT NOT NULL DEFAULT '{}',
    ip TEXT
  );
  CREATE INDEX audit_log_at ON audit_log(at);
  CREATE TABLE host_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    host_id TEXT NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL,
    author TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('repair', 'inspection', 'part_replacement', 'training', 'note', 'alert')),
    text TEXT NOT NULL,
    alert_id TEXT
  );
  CREATE INDEX host_log_host ON host_log(host_id, at);
  CREATE INDEX host_log_alert ON host_log(alert_id);
  `,
  // Security events per host (duplicate identity, revocation, enrollment); repeats within a
  // short window are folded into one row with a count.
  `
  CREATE TABLE host_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    host_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    at INTEGER NOT NULL,
    last_at INTEGER NOT NULL,
    count INTEGER NOT NULL DEFAULT 1,
    detail_json TEXT NOT NULL DEFAULT '{}'
  );
  CREATE INDEX host_events_host ON host_events(host_id, kind, last_at);
  CREATE INDEX host_events_at ON host_events(at);
  `,
  // A host's latest report in a table of its own: SQLite rewrites a whole row on every UPDATE,
  // so with the report in the hosts row each seq update also rewrote its 6 KB (most of the
  // collector's disk writes at 1,000 reports/s).
  `
  CREATE TABLE host_latest_report (
    host_id TEXT PRIMARY KEY REFERENCES hosts(id) ON DELETE CASCADE,
    json TEXT NOT NULL
  );
  INSERT INTO host_latest_report (host_id, json) SELECT id, latest_report_json FROM hosts WHERE latest_report_json IS NOT NULL;
  ALTER TABLE hosts DROP COLUMN latest_report_json;
  `,
];
