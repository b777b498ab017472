import type { IncomingMessage } from 'node:http';
import { sha256 } from '../store/secrets.js';

/** The node key's SHA-256 from `Authorization: Bearer <key>`, or undefined when absent or malformed. */
export function nodeKeyHash(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer ([A-Za-z0-9_-]{22,128})$/.exec(header);
  return match ? sha256(match[1] as string) : undefined;
}
