import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const FILE = 'restart-notice.json';

/**
 * What a stopping collector told its agents (`reconnect within N s`), kept in the data folder
 * for the next start. Until that window is over (plus each host's freshness) a host that has
 * not come back yet is not judged offline: a planned restart of the collector must not page
 * anyone, nor turn into thousands of verdict changes and alerts while the fleet returns.
 */
export function saveRestartNotice(dataDir: string, stoppedAt: number, reconnectWithinSec: number): void {
  writeFileSync(path.join(dataDir, FILE), `${JSON.stringify({ stoppedAt, reconnectWithinSec })}\n`, { mode: 0o600 });
}

/**
 * When the agents the previous collector sent away are due back (ms since the epoch), or 0
 * when it did not stop cleanly (a crash: its agents reconnect with their own short backoff).
 * The notice is used once: a later start after a crash does not find it again.
 */
export function takeRestartNotice(dataDir: string): number {
  const file = path.join(dataDir, FILE);
  let notice: unknown;
  try {
    notice = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return 0;
  } finally {
    rmSync(file, { force: true });
  }
  const { stoppedAt, reconnectWithinSec } = (notice ?? {}) as { stoppedAt?: unknown; reconnectWithinSec?: unknown };
  if (typeof stoppedAt !== 'number' || typeof reconnectWithinSec !== 'number' || !Number.isFinite(stoppedAt + reconnectWithinSec)) return 0;
  return stoppedAt + reconnectWithinSec * 1000;
}
