import { parseArgs } from 'node:util';
import { AuditLog } from './auth/audit.js';
import { cliActor } from './auth/cli-actor.js';
import { loadCollectorConfig } from './config.js';
import { openDatabase } from './store/db.js';
import { HostEventStore } from './store/host-events.js';
import { HostStore } from './store/hosts.js';
import { MAX_ACTIVE_SECRETS, SecretStore } from './store/secrets.js';

export const ADMIN_USAGE = `  siaga-collector secrets create|list|revoke <id> --config <file> [--json]
                                          manage enroll secrets (at most ${MAX_ACTIVE_SECRETS} active)
  siaga-collector hosts list|revoke <id> --config <file> [--json]
                                          list hosts or revoke one's node key
`;

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')).join('\n') + '\n';
}

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

const stdio: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/**
 * `siaga-collector secrets ...` and `siaga-collector hosts ...`: work on the collector's store
 * directly (dataDir from --config), also while the collector runs; a running collector notices a
 * revoked host within about a second and closes its connection with 4401.
 */
export function adminCommand(group: 'secrets' | 'hosts', argv: string[], io: Io = stdio): number {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { config: { type: 'string', short: 'c' }, json: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const [action, id] = positionals;
  const known = group === 'secrets' ? ['create', 'list', 'revoke'] : ['list', 'revoke'];
  if (!action || !known.includes(action) || (action === 'revoke' && !id) || !values.config) {
    io.err(`usage:\n${ADMIN_USAGE}`);
    return 2;
  }
  const config = loadCollectorConfig(values.config);
  const db = openDatabase(config.dataDir);
  try {
    const print = (human: string, json: unknown) => io.out(values.json ? `${JSON.stringify(json, null, 2)}\n` : human);
    const code = group === 'secrets' ? secrets(new SecretStore(db), action, id, config.enroll.secrets.length, print, io) : hosts(new HostStore(db), new HostEventStore(db), action, id, print, io);
    if (code === 0 && action !== 'list') new AuditLog(db).record({ at: Date.now(), actor: cliActor().name, via: 'cli', action: `${group === 'secrets' ? 'secret' : 'host'}.${action}`, target: id ?? null });
    return code;
  } finally {
    db.close();
  }
}

type Print = (human: string, json: unknown) => void;

function secrets(store: SecretStore, action: string, id: string | undefined, configured: number, print: Print, io: Io): number {
  if (action === 'create') {
    const created = store.create(Date.now(), configured);
    print(`enroll secret ${created.id} created; it is shown only this once:\n\n  ${created.secret}\n\n`, created);
    return 0;
  }
  if (action === 'list') {
    const list = store.list();
    const rows = [['ID', 'CREATED', 'STATUS'], ...list.map((s) => [s.id, iso(s.createdAt), s.revokedAt === null ? 'active' : `revoked ${iso(s.revokedAt)}`])];
    const note = configured > 0 ? `plus ${configured} secret(s) from the config file (enroll.secrets)\n` : '';
    print(list.length > 0 ? table(rows) + note : `no managed enroll secrets\n${note}`, { secrets: list, configured });
    return 0;
  }
  if (!store.revoke(id as string)) {
    io.err(`no active enroll secret with id ${id}\n`);
    return 1;
  }
  print(`enroll secret ${id} revoked: new enrollments with it are refused (enrolled hosts keep their node keys)\n`, { id, revoked: true });
  return 0;
}

function hosts(store: HostStore, events: HostEventStore, action: string, id: string | undefined, print: Print, io: Io): number {
  if (action === 'list') {
    const list = store.list();
    const rows = [
      ['ID', 'HOSTNAME', 'SITE', 'GROUP', 'ENROLLED', 'LAST SEEN', 'STATUS'],
      ...list.map((h) => [h.id, h.hostname, h.site ?? '-', h.group ?? '-', iso(h.enrolledAt), iso(h.lastSeenAt), h.revokedAt === null ? 'active' : `revoked ${iso(h.revokedAt)}`]),
    ];
    print(list.length > 0 ? table(rows) : 'no hosts enrolled\n', { hosts: list });
    return 0;
  }
  const found = store.resolve(id as string);
  if ('error' in found) {
    io.err(found.error === 'ambiguous' ? `more than one host id starts with ${id}; give more of it\n` : `no host with id ${id}\n`);
    return 1;
  }
  const now = Date.now();
  const changed = store.revoke(found.host.id, now);
  if (changed) events.record(found.host.id, 'revoked', { via: 'cli' }, now);
  const what = changed ? 'revoked: a running collector closes its connection within seconds' : 'was already revoked';
  print(`host ${found.host.id} (${found.host.hostname}) ${what}\n`, { id: found.host.id, hostname: found.host.hostname, revoked: true, changed });
  return 0;
}
