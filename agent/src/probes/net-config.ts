import { isIP } from 'node:net';
import { z } from 'zod';

// Labels of letters, digits, '-' and '_' (internal names use it), never starting with '-' so a
// host can never be read as a command-line option.
const HOSTNAME = /^(?=.{1,253}\.?$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/** True for an IPv4/IPv6 address or a DNS host name; nothing else ever reaches a command or socket. */
export const isHostOrIp = (value: string): boolean => isIP(value) !== 0 || HOSTNAME.test(value);

export const hostSchema = z.string().refine(isHostOrIp, 'expected an IP address or a host name');

/** A configured target's name: becomes a tag value, so short and plain. */
export const targetNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._:()-]{0,63}$/, 'expected 1-64 letters, digits, spaces or . _ : ( ) -');

/** Refuses lists where two entries share a name (they would write the same series). */
export function uniqueNames<T extends { name: string }>(items: readonly T[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate name "${item.name}"` });
    seen.add(item.name);
  });
}
