import os from 'node:os';
import type { Actor } from './access.js';

/** Who ran a command on the collector machine, for the audit log: `cli:<os user>`. */
export function cliActor(): Actor {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // no passwd entry (containers)
  }
  return { name: `cli:${user}`, via: 'cli' };
}
