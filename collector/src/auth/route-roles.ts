import type { Role } from './roles.js';

export type Requirement = Role | 'public';

interface RouteRule {
  path: RegExp;
  /** Only these methods; all when omitted. */
  methods?: readonly string[];
  needs: Requirement;
}

const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Who may call what under `/v1`, first match wins. Anything not listed needs `viewer` to read
 * and `operator` to change, so a route added later is never open by accident.
 */
export const ROUTE_RULES: readonly RouteRule[] = [
  // Agents prove themselves with the enroll secret and their node key, not a user.
  { path: /^\/v1\/(enroll|agent)$/, needs: 'public' },
  // Acknowledge links in notifications carry their own signature.
  { path: /^\/v1\/ack\//, needs: 'public' },
  { path: /^\/v1\/auth\/login$/, needs: 'public' },
  // Copy-paste install lines for new machines (no secret in them).
  { path: /^\/v1\/install$/, methods: ['GET', 'HEAD'], needs: 'public' },
  // One's own session and API tokens.
  { path: /^\/v1\/auth\//, needs: 'viewer' },
  { path: /^\/v1\/(users|tokens|audit|secrets)(\/|$)/, needs: 'admin' },
  { path: /^\/v1\/policy(\/|$)/, methods: WRITES, needs: 'admin' },
  { path: /^\/v1\/hosts\/[^/]+\/(revoke|rekey)$/, methods: WRITES, needs: 'admin' },
];

export function requirementFor(method: string, path: string): Requirement {
  const m = method.toUpperCase();
  for (const rule of ROUTE_RULES) {
    if (rule.path.test(path) && (!rule.methods || rule.methods.includes(m))) return rule.needs;
  }
  return m === 'GET' || m === 'HEAD' || m === 'OPTIONS' ? 'viewer' : 'operator';
}

export const isWrite = (method: string): boolean => WRITES.includes(method.toUpperCase());
