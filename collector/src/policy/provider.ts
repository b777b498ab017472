import type { AgentPolicy } from '@siaga/shared';
import type { HostRecord } from '../store/hosts.js';

/** Decides which agent policy a host runs; tells subscribers when policies change. */
export interface PolicyProvider {
  forHost(host: HostRecord): AgentPolicy;
  onChange(listener: () => void): void;
}

/** The policy used until an operator configures one: collect core metrics, check nothing. */
export const DEFAULT_AGENT_POLICY: AgentPolicy = { version: 'builtin-0', intervalSec: 15, probes: {}, checks: [] };

export class StaticPolicyProvider implements PolicyProvider {
  constructor(private readonly policy: AgentPolicy = DEFAULT_AGENT_POLICY) {}

  forHost(): AgentPolicy {
    return this.policy;
  }

  onChange(): void {}
}
