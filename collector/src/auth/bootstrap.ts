import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log.js';
import type { Access } from './access.js';
import { randomPassword } from './passwords.js';

export const INITIAL_ADMIN = 'admin';
export const INITIAL_PASSWORD_FILE = 'initial-admin-password';

/**
 * First start with no users: creates `admin` with a random password, written to
 * `<dataDir>/initial-admin-password` (0600) and logged once, so the first sign-in needs no
 * default password that could be left unchanged.
 */
export async function ensureInitialAdmin(access: Access, dataDir: string, log: Logger, now: number): Promise<void> {
  if (access.users.count() > 0) return;
  const password = randomPassword();
  const file = path.join(dataDir, INITIAL_PASSWORD_FILE);
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  await access.addUser(INITIAL_ADMIN, 'admin', password, { name: 'system', via: 'system' }, now);
  log.warn(
    { user: INITIAL_ADMIN, password, passwordFile: file },
    `initial admin account created: sign in as "${INITIAL_ADMIN}" with the password in ${file}, then create named accounts (siaga-collector users add)`,
  );
}
