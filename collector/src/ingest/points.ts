import type { CheckResult, ReportFrame } from '@siaga/shared';
import type { Point } from '../sinks/types.js';
import type { HostRecord } from '../store/hosts.js';

/** Tags every point of a host carries; all from bounded sets. */
export function hostTags(host: HostRecord): Record<string, string> {
  const tags: Record<string, string> = { host: host.hostname, host_id: host.id, os: host.os.platform };
  if (host.site) tags.site = host.site;
  if (host.group) tags.group = host.group;
  return tags;
}

export const STATUS_CODE = { pass: 0, warn: 1, fail: 2 } as const;

function checkPoint(base: Record<string, string>, check: CheckResult, time: number): Point {
  const tags = { ...base, check: check.name };
  if (check.instance !== undefined) (tags as Record<string, string>).instance = check.instance;
  const fields: Point['fields'] = { status_code: STATUS_CODE[check.status], status: check.status, reason: check.reason };
  if (typeof check.observed === 'number') fields.value = check.observed;
  return { measurement: 'siaga_check', tags, fields, time };
}

/**
 * Turns a report into points: the agent's metrics with host tags added (agent tags never
 * override host tags), plus one `siaga_check` point per check result.
 */
export function reportPoints(host: HostRecord, frame: ReportFrame): Point[] {
  const base = hostTags(host);
  const points: Point[] = [];
  for (const metric of frame.metrics) {
    points.push({ measurement: metric.m, tags: { ...metric.tags, ...base }, fields: metric.fields, time: frame.collectedAt });
  }
  for (const check of frame.checks) points.push(checkPoint(base, check, frame.collectedAt));
  return points;
}
