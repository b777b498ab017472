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
