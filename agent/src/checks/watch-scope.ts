import type { AgentPolicy, CheckRule, Metric } from '@siaga/shared';
import type { Probe } from '../probes/types.js';

/** What a watch run of some probes must judge: the checks reading what they write. */
export interface WatchScope {
  rules: readonly CheckRule[];
  /** Measurements those checks read (a probe may share one with others: cpu, system, reboot). */
  measurements: ReadonlySet<string>;
  /** Check names, to compare with the statuses last reported. */
  names: ReadonlySet<string>;
}

const EMPTY: WatchScope = { rules: [], measurements: new Set(), names: new Set() };

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

  /** The checks a watch run of these probes may change. */
  scope(policy: AgentPolicy | undefined, probeNames: ReadonlySet<string>): WatchScope {
    if (!policy) return EMPTY;
    this.use(policy);
    const key = [...probeNames].sort().join(','); // one name, for a watch run
    let scope = this.scopes.get(key);
    if (!scope) {
      const measurements = new Set(this.probes.filter((p) => probeNames.has(p.name)).flatMap((p) => p.measurements));
      const rules = policy.checks.filter((r) => measurements.has(r.measurement));
      scope = { rules, measurements, names: new Set(rules.map((r) => r.name)) };
      this.scopes.set(key, scope);
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

/** The samples of the given measurements among each probe's latest ones. */
export function samplesOf(latest: Iterable<{ metrics: readonly Metric[] }>, measurements: ReadonlySet<string>): Metric[] {
  const out: Metric[] = [];
  for (const l of latest) for (const m of l.metrics) if (measurements.has(m.m)) out.push(m);
  return out;
}
