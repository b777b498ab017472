import type WebSocket from 'ws';

const reasons = new WeakMap<WebSocket, Set<string>>();

/**
 * Stops reading a socket for a reason (`rate`, `budget`, `admission`). Several parts of the gateway
 * pause sockets independently; reading resumes only when the last reason is gone, so one part
 * never resumes what another still holds back.
 */
export function pauseReading(ws: WebSocket, reason: string): void {
  let set = reasons.get(ws);
  if (!set) reasons.set(ws, (set = new Set()));
  set.add(reason);
  ws.pause();
}

export function resumeReading(ws: WebSocket, reason: string): void {
  const set = reasons.get(ws);
  set?.delete(reason);
  if (!set || set.size === 0) ws.resume();
}

export function pausedFor(ws: WebSocket, reason: string): boolean {
  return reasons.get(ws)?.has(reason) ?? false;
}
