import { createHash } from 'node:crypto';
import type { AgentPolicy, CheckRule } from '@siaga/shared';
import { checkKind, type InventoryRule } from './checks/index.js';
import { refine } from './merge.js';
import type { PolicyEntry, PolicyFile, Site } from './schema.js';

/** The labels that decide which policies apply to a host. */
export interface HostLabels {
  site: string | null;
  group: string | null;
  tags: readonly string[];
  os: string;
}

/** Everything the policy says about one host. */
export interface HostPolicy {
  agent: AgentPolicy;
  /** Rules the collector judges from the host's inventory. */
  inventory: InventoryRule[];
  /** Names of the policies that applied, in order. */
  applied: string[];
  freshnessSec: number;
  site: Site | undefined;
}

function selects(entry: PolicyEntry, host: HostLabels): boolean {
  const s = entry.select;
  if (!s) return true;
  if (s.sites && !(host.site && s.sites.includes(host.site))) return false;
  if (s.groups && !(host.group && s.groups.includes(host.group))) return false;
  if (s.tags && !s.tags.every((t) => host.tags.includes(t))) return false;
  if (s.os && !s.os.includes(host.os as 'linux')) return false;
  return true;
}

/**
 * Compiles the policy file for one host: the matching policies refine each other in order, then
 * every check turns into agent rules and probe settings. The version is a hash of the result, so
 * it changes exactly when what the agent must do changes.
 */
export function compileForHost(file: PolicyFile, host: HostLabels): HostPolicy {
  const matching = file.policies.filter((p) => selects(p, host));
  let checks: Record<string, unknown> = {};
  let interval = file.defaults.interval;
  for (const p of matching) {
    checks = refine(checks, p.checks) as Record<string, unknown>;
    if (p.interval !== undefined) interval = p.interval;
  }
  const rules: CheckRule[] = [];
  const inventory: InventoryRule[] = [];
  let probes: Record<string, Record<string, unknown>> = {};
  for (const [key, def] of Object.entries(checks)) {
    const kind = checkKind(key);
    if (!kind || def === undefined || (def as { enabled?: boolean }).enabled === false) continue;
    const compiled = kind.compile(def);
    rules.push(...compiled.rules);
    probes = refine(probes, compiled.probes) as typeof probes;
    inventory.push(...(compiled.inventory ?? []));
  }
  const body = { intervalSec: interval, watchIntervalSec: file.defaults.watchInterval, probes, checks: rules };
  const version = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 12);
  const site = host.site ? file.sites[host.site] : undefined;
  return {
    agent: { version, ...body },
    inventory,
    applied: matching.map((p) => p.name),
    freshnessSec: site?.freshness ?? file.defaults.freshness,
    site,
  };
}
