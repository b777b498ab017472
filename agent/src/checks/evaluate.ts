import type { CheckResult, CheckRule, CheckStatus, Metric, Threshold } from '@siaga/shared';

type Value = number | string | boolean;

/** Does `value` meet the threshold's condition (e.g. free% `lt` 10)? */
export function meets(value: Value, t: Threshold): boolean {
  switch (t.op) {
    case 'eq':
      return value === t.value;
    case 'ne':
      return value !== t.value;
    default: {
      if (typeof value !== 'number' || typeof t.value !== 'number') return false;
      if (t.op === 'lt') return value < t.value;
      if (t.op === 'le') return value <= t.value;
      if (t.op === 'gt') return value > t.value;
      return value >= t.value;
    }
  }
}

function render(value: Value | undefined, digits: number): string {
  if (value === undefined) return 'no data';
  if (typeof value === 'number') return String(Number(value.toFixed(digits)));
  return String(value);
}

/** Fills `{value}`, `{threshold}`, `{instance}` and tag names into a reason template. */
export function renderReason(template: string, vars: Record<string, string>): string {
  return template.replace(/\{([a-z_][a-z0-9_]*)\}/g, (whole, key: string) => vars[key] ?? whole);
}

/** The sample's other fields, so a reason can quote them (`{error}`, `{url}`). */
function fieldVars(metric: Metric | undefined): Record<string, string> {
  const vars: Record<string, string> = {};
  if (!metric) return vars;
  for (const [k, v] of Object.entries(metric.fields)) vars[k] = typeof v === 'number' ? String(Number(v.toFixed(2))) : String(v);
  return vars;
}

interface Raw {
  status: CheckStatus;
  value: Value | undefined;
  threshold: Threshold | undefined;
  tags: Record<string, string>;
}

function judge(rule: CheckRule, metric: Metric | undefined): Raw {
  const field = metric?.fields[rule.field];
  const value = typeof field === 'number' && rule.scale !== undefined ? field * rule.scale : field;
  const tags = metric?.tags ?? {};
  if (value === undefined) return { status: rule.missing, value, threshold: undefined, tags };
  if (rule.fail && meets(value, rule.fail)) return { status: 'fail', value, threshold: rule.fail, tags };
  if (rule.warn && meets(value, rule.warn)) return { status: 'warn', value, threshold: rule.warn, tags };
  return { status: 'pass', value, threshold: rule.warn ?? rule.fail, tags };
}

function matches(metric: Metric, rule: CheckRule): boolean {
  if (metric.m !== rule.measurement) return false;
  if (!rule.match) return true;
  for (const [k, v] of Object.entries(rule.match)) if (metric.tags?.[k] !== v) return false;
  return true;
}

interface Held {
  status: CheckStatus;
  since: number;
  /** When the raw condition started failing, for `forSec`. */
  failingSince?: number;
}

/**
 * Evaluates check rules over the metrics of one collection. Stateful: it remembers since when
 * each (check, instance) has held its status, so that `forSec` delays a failure and `since`
 * tells the helpdesk how long a problem has lasted.
 */
export class CheckEvaluator {
  private held = new Map<string, Held>();

  /**
   * With `describe` false only statuses are worked out and reasons stay empty: the watch loop
   * judges every second but needs words only when a status changed. Evaluating again with the
   * same metrics and `now` gives the same statuses and `since`, so a status-only pass can be
   * followed by a described one. With `partial`, `rules` are only some of the policy's (those of
   * the probes a watch re-ran): what is held for the others is kept.
   */
  evaluate(rules: readonly CheckRule[], metrics: readonly Metric[], now: number, describe = true, partial = false): CheckResult[] {
    const results: CheckResult[] = [];
    const nextHeld = new Map<string, Held>();
    if (partial) {
      const judged = new Set(rules.map((r) => r.name));
      for (const [key, held] of this.held) if (!judged.has(key.slice(0, key.indexOf('\u0000')))) nextHeld.set(key, held);
    }
    for (const rule of rules) {
      // Several probes may write one measurement (load and uptime both go to `system`).
      const found = metrics.filter((m) => matches(m, rule) && rule.field in m.fields);
      const instances: Array<{ instance: string | undefined; metric: Metric | undefined }> = rule.instanceTag
        ? found.map((m) => ({ instance: m.tags?.[rule.instanceTag as string], metric: m }))
        : [{ instance: undefined, metric: found[0] }];
      if (instances.length === 0) instances.push({ instance: undefined, metric: undefined });
      for (const { instance, metric } of instances) {
        const key = `${rule.name}\u0000${instance ?? ''}`;
        const raw = judge(rule, metric);
        const prev = this.held.get(key);
        let status = raw.status;
        let failingSince: number | undefined;
        let pendingNote = '';
        if (raw.status === 'fail' && rule.forSec > 0) {
          failingSince = prev?.failingSince ?? now;
          if (now - failingSince < rule.forSec * 1000) {
            status = 'warn';
            pendingNote = ` (failing for ${Math.round((now - failingSince) / 1000)} s; counts after ${rule.forSec} s)`;
          }
        }
        const since = prev && prev.status === status ? prev.since : now;
        nextHeld.set(key, failingSince === undefined ? { status, since } : { status, since, failingSince });
        if (!describe) {
          results.push(instance === undefined ? { name: rule.name, status, reason: '', since } : { name: rule.name, status, reason: '', since, instance });
          continue;
        }
        const vars: Record<string, string> = {
          ...fieldVars(metric),
          ...raw.tags,
          value: render(raw.value, rule.digits),
          threshold: raw.threshold ? render(raw.threshold.value, rule.digits) : '',
          instance: instance ?? '',
          description: rule.description,
        };
        const template = raw.status === 'pass' ? (rule.okReason ?? (rule.description ? '{description}: {value}' : rule.reason)) : rule.reason;
        const reason = (raw.value === undefined && raw.status !== 'pass' ? `${rule.description || rule.name}: no data` : renderReason(template, vars)) + pendingNote;
        const result: CheckResult = { name: rule.name, status, reason: reason.slice(0, 512), since };
        if (instance !== undefined) result.instance = instance;
        if (raw.value !== undefined) result.observed = typeof raw.value === 'string' ? raw.value.slice(0, 256) : raw.value;
        if (raw.threshold) result.threshold = raw.threshold.value;
        results.push(result);
      }
    }
    this.held = nextHeld;
    return results;
  }
}

/** True when any check's status differs between two evaluations (new and vanished ones count). */
export function statusesDiffer(a: readonly CheckResult[], b: readonly CheckResult[]): boolean {
  if (a.length !== b.length) return true;
  const before = new Map(a.map((r) => [`${r.name}\u0000${r.instance ?? ''}`, r.status]));
  return b.some((r) => before.get(`${r.name}\u0000${r.instance ?? ''}`) !== r.status);
}
