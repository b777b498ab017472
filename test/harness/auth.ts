import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** API tokens of the collectors started by this test file, by base URL. */
const tokens = new Map<string, string>();

export function rememberToken(baseUrl: string, token: string): void {
  tokens.set(baseUrl, token);
}

/** `Authorization` for a collector URL started through the harness (none for others). */
export function authHeaders(url: string): Record<string, string> {
  for (const [base, token] of tokens) if (token && url.startsWith(base)) return { authorization: `Bearer ${token}` };
  return {};
}

/** fetch with the collector's admin token added. */
export function authedFetch(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, headers: { ...authHeaders(url), ...(init.headers as Record<string, string> | undefined) } });
}

/** Signs in with a password and returns the session cookie (`siaga_session=...`). */
export async function login(baseUrl: string, name: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
  if (!res.ok) throw new Error(`login as ${name}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie') ?? '';
  return cookie.split(';')[0] as string;
}

/**
 * An admin API token for a freshly started collector: signs in as the initial `admin` (its
 * password is in `<dataDir>/initial-admin-password`) and creates a token.
 */
export async function provisionAdminToken(baseUrl: string, dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'initial-admin-password');
  if (!existsSync(file)) return '';
  const cookie = await login(baseUrl, 'admin', readFileSync(file, 'utf8').trim());
  const res = await fetch(`${baseUrl}/v1/auth/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ name: 'test harness', expires: '1d' }) });
  if (!res.ok) throw new Error(`creating the harness API token: ${res.status} ${await res.text()}`);
  const { token } = (await res.json()) as { token: string };
  rememberToken(baseUrl, token);
  return token;
}
