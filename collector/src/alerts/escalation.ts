import type { AlertsConfig, EscalationPolicy } from './config.js';

/** The escalation policy of a group: the first route whose labels all match, else the default. */
export function choosePolicy(config: AlertsConfig['escalation'], labels: Readonly<Record<string, string>>): string {
  for (const route of config.routes) {
    const match = route.match as Record<string, string | undefined>;
    if (Object.entries(match).every(([name, value]) => value === undefined || labels[name] === value)) return route.policy;
  }
  return config.default;
}

/**
 * The highest tier due `elapsedMs` after escalation started: tier i is due once its `after` has
 * passed. An acknowledged group stays where it is.
 */
export function dueTier(policy: EscalationPolicy, elapsedMs: number): number {
  let due = 0;
  policy.tiers.forEach((t, i) => {
    if (elapsedMs >= t.after * 1000) due = i;
  });
  return due;
}

/** When the next tier falls due, or null at the last tier. */
export function nextEscalationAt(policy: EscalationPolicy, escalationStart: number, tier: number): number | null {
  const next = policy.tiers[tier + 1];
  return next ? escalationStart + next.after * 1000 : null;
}
