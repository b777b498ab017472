/** API tokens of the collectors started by this test file, by base URL. */
const tokens = new Map<string, string>();

export function rememberToken(baseUrl: string, token: string): void {
  tokens.set(baseUrl, token);
}

/** `Authorization` for a collector URL whose token is known (none for other URLs). */
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

/** Makes an account with the given role (through the admin API) and returns an API token of it. */
export async function userToken(baseUrl: string, name: string, role: 'viewer' | 'operator' | 'admin'): Promise<string> {
  const post = (path: string, body: unknown) => authedFetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const user = await post('/v1/users', { name, role, password: `${name}-password-${Math.random().toString(36).slice(2)}` });
  if (!user.ok) throw new Error(`creating user ${name}: ${user.status} ${await user.text()}`);
  const token = await post('/v1/tokens', { user: name, name: 'test', expires: '1d' });
  if (!token.ok) throw new Error(`token for ${name}: ${token.status} ${await token.text()}`);
  return ((await token.json()) as { token: string }).token;
}
