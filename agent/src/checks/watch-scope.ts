import type { AgentPolicy, CheckRule, Metric } from '@siaga/shared';
import type { Probe } from '../probes/types.js';

/** What a watch run of some probes must judge: the checks reading what they write. */
export interface WatchScope {
  rules: readonly CheckRule[];
  /** Measurements those checks read (a probe may share one with others: cpu, system, reboot). */
  measurements: ReadonlySet<string>;
  /** Check names, to compare with the statuses last reported. */
  names: ReadonlySet<string>;
  /** The probes writing those measurements, in registration order: whose samples to judge. */
  writers: readonly string[];
}

const EMPTY: WatchScope = { rules: [], measurements: new Set(), names: new Set(), writers: [] };

/**
 * Works out, once per policy, which measurements the checks read (the probes the watch loop
 * re-runs) and which checks a re-run of a given probe can change, so that a watch tick judges
 * a handful of rules instead of the whole policy.
 */
export class WatchScopes {
  private policy: AgentPolicy | undefined;
  private watched: ReadonlySet<string> = new Set();
  private readonly scopes = new Map<string, WatchScope>();

  constructor(private readonly probes: readonly Probe[]) {}

  /** Every measurement some check of the policy reads. */
  watchedMeasurements(policy: AgentPolicy): ReadonlySet<string> {
    this.use(policy);
    return this.watched;
  }

  /** The checks a watch run of this probe may change. */
  scope(policy: AgentPolicy | undefined, probeName: string): WatchScope {
    if (!policy) return EMPTY;
    this.use(policy);
    let scope = this.scopes.get(probeName);
    if (!scope) {
      const measurements = new Set(this.probes.find((p) => p.name === probeName)?.measurements);
      const rules = policy.checks.filter((r) => measurements.has(r.measurement));
      const writers = this.probes.filter((p) => p.measurements.some((m) => measurements.has(m))).map((p) => p.name);
      scope = { rules, measurements, names: new Set(rules.map((r) => r.name)), writers };
      this.scopes.set(probeName, scope);
    }
    return scope;
  }

  private use(policy: AgentPolicy): void {
    if (this.policy === policy) return;
    this.policy = policy;
    this.watched = new Set(policy.checks.map((r) => r.measurement));
    this.scopes.clear();
  }
}

/** The samples of the scope's measurements among the latest ones of the probes writing them. */
export function samplesOf(latest: ReadonlyMap<string, { metrics: readonly Metric[] }>, scope: WatchScope): Metric[] {
  const out: Metric[] = [];
  for (const probe of scope.writers) {
    const l = latest.get(probe);
    if (l) for (const m of l.metrics) if (scope.measurements.has(m.m)) out.push(m);
  }
  return out;
}
