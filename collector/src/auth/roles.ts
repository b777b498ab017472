/** Roles in increasing power: each one may do everything the ones before it may. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Does `role` include everything `needed` may do? */
export const atLeast = (role: Role, needed: Role): boolean => RANK[role] >= RANK[needed];

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** Who is making a request, and how they proved it. */
export interface Principal {
  userId: string;
  name: string;
  role: Role;
  via: 'session' | 'token';
  /** Session id hash or API token id: what to re-check on long-lived requests (event streams). */
  credentialId: string;
}
