import type { CheckResult, Software } from '@siaga/shared';
import type { InventoryRule } from '../policy/checks/index.js';

/** Compares dotted versions numerically part by part ("115.0.2" > "99.9"); text parts by text. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.\-+_ ]/);
  const pb = b.split(/[.\-+_ ]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    const nx = /^\d+$/.test(x) ? Number(x) : Number.NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : Number.NaN;
    const c = Number.isNaN(nx) || Number.isNaN(ny) ? x.localeCompare(y) : nx - ny;
    if (c !== 0) return Math.sign(c);
  }
  return 0;
}

/** Case-insensitive name match where `*` stands for any text. */
export function nameMatcher(pattern: string): (name: string) => boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return (name) => re.test(name);
}

/** Judges required and forbidden software against a host's inventory. */
export function softwareChecks(rules: readonly InventoryRule[], software: readonly Software[], at: number): CheckResult[] {
  return rules.map((rule): CheckResult => {
    const matches = software.filter((s) => nameMatcher(rule.name)(s.name));
    if (rule.kind === 'forbidden') {
      const found = matches[0];
      return found
        ? { name: 'software_forbidden', instance: rule.name, status: rule.severity, reason: `Forbidden software installed: ${found.name}${found.version ? ` ${found.version}` : ''}`, observed: found.version ?? 'installed', since: at }
        : { name: 'software_forbidden', instance: rule.name, status: 'pass', reason: `${rule.name} not installed`, since: at };
    }
    if (matches.length === 0) {
      return { name: 'software_required', instance: rule.name, status: rule.severity, reason: `Required software missing: ${rule.name}${rule.minVersion ? ` ${rule.minVersion} or newer` : ''}`, since: at };
    }
    const newest = matches.reduce((a, b) => (compareVersions(b.version ?? '0', a.version ?? '0') > 0 ? b : a));
    if (rule.minVersion && compareVersions(newest.version ?? '0', rule.minVersion) < 0) {
      return { name: 'software_required', instance: rule.name, status: rule.severity, reason: `${newest.name} ${newest.version ?? '(no version)'} is older than required ${rule.minVersion}`, observed: newest.version ?? '', threshold: rule.minVersion, since: at };
    }
    return { name: 'software_required', instance: rule.name, status: 'pass', reason: `${newest.name} ${newest.version ?? ''}`.trim(), ...(newest.version ? { observed: newest.version } : {}), since: at };
  });
}
