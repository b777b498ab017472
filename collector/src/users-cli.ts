import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ErrorCode, SiagaError } from '@siaga/shared';
import { Access, type Actor } from './auth/access.js';
import { cliActor } from './auth/cli-actor.js';
import { randomPassword } from './auth/passwords.js';
import { isRole, ROLES } from './auth/roles.js';
import type { User } from './auth/users.js';
import { loadCollectorConfig } from './config.js';
import { durationSec } from './policy/duration.js';
import { openDatabase } from './store/db.js';

export const USERS_USAGE = `  siaga-collector users add <name> --role viewer|operator|admin [--password-file <f>] --config <file>
  siaga-collector users passwd <name> [--password-file <f>] --config <file>
  siaga-collector users list --config <file> [--json]
  siaga-collector users token create <name> [--expires 90d] [--label <text>] --config <file>
  siaga-collector users token list [<name>] --config <file> [--json]
  siaga-collector users token revoke <id> --config <file>
                                          board and API accounts and API tokens
`;

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')).join('\n') + '\n';
}

/** A password from a file (first line), or a generated one that is printed once. */
function password(file: string | undefined): { password: string; generated: boolean } {
  if (!file) return { password: randomPassword(), generated: true };
  const first = readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '';
  return { password: first, generated: false };
}

/**
 * `siaga-collector users ...`: accounts and API tokens, straight in the collector's store (also
 * while it runs: a revoked token stops working at its next request). Every change is audited.
 */
export async function usersCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { config: { type: 'string', short: 'c' }, role: { type: 'string' }, 'password-file': { type: 'string' }, expires: { type: 'string' }, label: { type: 'string' }, json: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const [action, ...rest] = positionals;
  const usage = () => {
    process.stderr.write(`usage:\n${USERS_USAGE}`);
    return 2;
  };
  if (!values.config || !action) return usage();
  const config = loadCollectorConfig(values.config);
  const db = openDatabase(config.dataDir);
  const access = new Access(db, { sessions: { idleMs: config.auth.sessionIdle * 1000, maxAgeMs: config.auth.sessionMaxAge * 1000 } });
  const out = (human: string, json: unknown) => process.stdout.write(values.json ? `${JSON.stringify(json, null, 2)}\n` : human);
  const actor = cliActor();
  const now = Date.now();
  const user = (name: string | undefined) => {
    const u = name ? access.users.byName(name) : undefined;
    if (!u) throw new SiagaError(ErrorCode.notFound, `no user named ${name ?? '(none given)'}`);
    return u;
  };
  try {
    if (action === 'add') {
      const [name] = rest;
      if (!name || !isRole(values.role)) {
        process.stderr.write(`users add: give a name and --role ${ROLES.join('|')}\n`);
        return 2;
      }
      const p = password(values['password-file']);
      const created = await access.addUser(name, values.role, p.password, actor, now);
      out(`user ${created.name} (${created.role}) created${p.generated ? `; password, shown only this once:\n\n  ${p.password}\n\n` : '\n'}`, { name: created.name, role: created.role, ...(p.generated ? { password: p.password } : {}) });
      return 0;
    }
    if (action === 'passwd') {
      const target = user(rest[0]);
      const p = password(values['password-file']);
      await access.setPassword(target, p.password, actor, now);
      out(`password of ${target.name} changed; their sessions were ended${p.generated ? `. New password, shown only this once:\n\n  ${p.password}\n\n` : '\n'}`, { name: target.name, ...(p.generated ? { password: p.password } : {}) });
      return 0;
    }
    if (action === 'list') {
      const users = access.users.list();
      const rows = [['NAME', 'ROLE', 'CREATED', 'STATUS'], ...users.map((u) => [u.name, u.role, iso(u.createdAt), u.disabledAt === null ? 'active' : `disabled ${iso(u.disabledAt)}`])];
      out(table(rows), { users: users.map((u) => ({ name: u.name, role: u.role, createdAt: u.createdAt, disabled: u.disabledAt !== null })) });
      return 0;
    }
    if (action === 'token') return token(access, rest, values, actor, now, out, user);
    return usage();
  } finally {
    db.close();
  }
}

function token(
  access: Access,
  args: string[],
  values: { expires?: string | undefined; label?: string | undefined },
  actor: Actor,
  now: number,
  out: (human: string, json: unknown) => void,
  user: (name: string | undefined) => User,
): number {
  const [sub, arg] = args;
  if (sub === 'create') {
    const owner = user(arg);
    const ttl = durationSec.safeParse(values.expires ?? '90d');
    if (!ttl.success || ttl.data < 60) throw new SiagaError(ErrorCode.invalidRequest, '--expires: expected a duration such as 90d, 12h or 30m', { path: 'expires' });
    const { token: secret, info } = access.createToken(owner, values.label ?? `cli ${new Date(now).toISOString().slice(0, 10)}`, ttl.data * 1000, actor, now);
    out(`token ${info.id} for ${owner.name} (${owner.role}), expires ${iso(info.expiresAt)}; shown only this once:\n\n  ${secret}\n\n`, { id: info.id, user: owner.name, token: secret, expiresAt: info.expiresAt });
    return 0;
  }
  if (sub === 'list') {
    const list = access.tokens.list(arg ? user(arg).id : undefined);
    const rows = [['ID', 'USER', 'LABEL', 'CREATED', 'EXPIRES', 'LAST USED', 'STATUS'], ...list.map((t) => [t.id, t.userName, t.name, iso(t.createdAt), iso(t.expiresAt), iso(t.lastUsedAt), t.revokedAt !== null ? `revoked ${iso(t.revokedAt)}` : t.expiresAt <= now ? 'expired' : 'active'])];
    out(table(rows), { tokens: list });
    return 0;
  }
  if (sub === 'revoke' && arg) {
    if (!access.revokeToken(arg, actor, now)) throw new SiagaError(ErrorCode.notFound, `no live token with id ${arg}`);
    out(`token ${arg} revoked\n`, { id: arg, revoked: true });
    return 0;
  }
  process.stderr.write(`usage:\n${USERS_USAGE}`);
  return 2;
}
