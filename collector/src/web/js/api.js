// The board talks only to the collector's API; the session cookie goes along by itself.

export class ApiError extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let unauthorized = () => {};
export const onUnauthorized = (fn) => {
  unauthorized = fn;
};

export async function api(path, { method = 'GET', body } = {}) {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401 && path !== '/v1/auth/login') unauthorized();
  if (!res.ok) {
    const err = await res.json().catch(() => ({}));
    throw new ApiError(res.status, err.error?.message ?? res.statusText, err.error?.code);
  }
  return res.status === 204 ? null : res.json();
}

/** Who is signed in: { name, role }; set once the session is known. */
export const session = { user: null };

const RANK = { viewer: 0, operator: 1, admin: 2 };
export const can = (role) => session.user !== null && RANK[session.user.role] >= RANK[role];
