/** WebSocket close codes used between agent and collector. */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  /** Frame too large or too many frames: the agent must slow down. */
  policyViolation: 1008,
  /** Collector restarting: reconnect with jitter (plus an extra random delay). */
  restarting: 1012,
  /** Collector overloaded: try later. */
  tryLater: 1013,
  /** Node key invalid or revoked: re-enroll, long backoff. */
  keyInvalid: 4401,
  /** Another live connection already uses this identity. */
  duplicateIdentity: 4409,
} as const;
export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

const RECONNECT_WITHIN = /reconnect within (\d{1,5}) s/;

/**
 * The close reason of 1012 or 1013 telling agents how long to spread their reconnects over: a
 * collector holding thousands of agents knows the fleet would otherwise come back in one wave.
 * Plain text, so older agents just log it.
 */
export function reconnectWithinReason(why: string, seconds: number): string {
  return `${why}; reconnect within ${Math.round(seconds)} s`;
}

/** The spread a close reason asks for, in ms; undefined when it names none. */
export function reconnectWithinMs(reason: string): number | undefined {
  const m = RECONNECT_WITHIN.exec(reason);
  return m ? Number(m[1]) * 1000 : undefined;
}
