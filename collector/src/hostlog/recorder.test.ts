import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert, AlertEvent } from '../alerts/index.js';
import { type Db, openDatabase } from '../store/db.js';
import { HostStore } from '../store/hosts.js';
import { recordAlertEvents } from './recorder.js';
import { HostLogStore, type LogEntry } from './store.js';

const alert = (hostId: string): Alert =>
  ({ id: 'alr_1', rule: 'host_not_ready', hostId, reason: 'Disk C: 3% free (needs 10%)', activeSince: 1_000, firedAt: 1_000 }) as Alert;
const event = (hostId: string, type: AlertEvent['type'], at: number, detail: Record<string, unknown> = {}): AlertEvent => ({ alertId: 'alr_1', hostId, rule: 'host_not_ready', at, type, detail });

describe('alert events in the maintenance log', () => {
  let dir: string;
  let db: Db;
  let hostId: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'siaga-hostlog-'));
    db = openDatabase(dir);
    hostId = new HostStore(db).enroll({ nonce: 'n'.repeat(22), nodeKeyHash: 'h', host: { id: 'agent-1', hostname: 'ws-1' }, os: { platform: 'linux' }, labels: { tags: [] }, agentVersion: 't', now: 0 } as never).id;
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes fired, acknowledged and resolved into the machine’s log and skips the rest and machine-less alerts', () => {
    const log = new HostLogStore(db);
    const added: LogEntry[] = [];
    const record = recordAlertEvents(log, new HostStore(db), (e) => added.push(e));
    record(event(hostId, 'pending', 900), alert(hostId));
    record(event(hostId, 'fired', 1_000), alert(hostId));
    record(event(hostId, 'notified', 1_100), alert(hostId));
    record(event(hostId, 'acknowledged', 61_000, { by: 'ana' }), alert(hostId));
    record(event(hostId, 'resolved', 1_000 + 45 * 60_000), alert(hostId));
    record(event('site:hq', 'fired', 2_000), alert('site:hq'));
    expect(log.list(hostId, 10).map((e) => `${e.kind} ${e.author} ${e.alertId} ${e.text}`)).toEqual([
      'alert siaga alr_1 Alert host_not_ready resolved after 45 min',
      'alert siaga alr_1 Alert host_not_ready acknowledged by ana',
      'alert siaga alr_1 Alert host_not_ready: Disk C: 3% free (needs 10%)',
    ]);
    expect(added).toHaveLength(3);
  });
});
