import type { CheckResult, Metric, ReportFrame } from '@siaga/shared';

// Every report repeats each check's result and each probe's self-metrics; on a steady fleet they
// are two thirds of its points and almost never change. Like Zabbix's "discard unchanged with
// heartbeat", such a series is stored when its status changes and otherwise once per heartbeat,
// so a graph still has a point in every window and a change is stored the moment it is seen.
// Measurements, and everything the board and alerts use, still come from every report.
//
// Heartbeat windows are shifted per host. A fleet seen for the first time (every host after a
// collector restart) stores all its status points at once; with windows counted from each
// series' last point, that burst would come back every heartbeat, all hosts within one report
// interval. With a phase per host the repeats spread evenly over the heartbeat.

interface Stored {
  /** What counts as a change: a check's status, a probe's success and error. */
  status: string;
  at: number;
}

interface HostSeries {
  /** Where this host's heartbeat windows start, 0 ≤ phase < heartbeat. */
  phase: number;
  series: Map<string, Stored>;
}

/** A status series of a report: its key within the host, and its current status. */
function checkSeries(check: CheckResult): [string, string] {
  return [`c${check.name}\u0000${check.instance ?? ''}`, check.status];
}

function probeSeries(metric: Metric): [string, string] {
  return [`a${metric.tags?.probe ?? ''}`, `${String(metric.fields.success)}\u0000${String(metric.fields.error ?? '')}`];
}

/** A host's phase: FNV-1a of its id, spread over the heartbeat. */
export function hashPhase(hostId: string, heartbeatMs: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < hostId.length; i += 1) h = Math.imul(h ^ hostId.charCodeAt(i), 0x01000193);
  return (h >>> 0) % heartbeatMs;
}

export class StatusThinning {
  private readonly hosts = new Map<string, HostSeries>();
  /** Points left out since start. */
  skipped = 0;

  /** `heartbeatMs` 0 stores every report's status points. */
  constructor(
    private readonly heartbeatMs: number,
    private readonly phaseOf: (hostId: string, heartbeatMs: number) => number = hashPhase,
  ) {}

  /** The frame with the status points that need not be stored left out (the same frame when none). */
  thin(hostId: string, frame: ReportFrame): ReportFrame {
    if (this.heartbeatMs <= 0) return frame;
    let host = this.hosts.get(hostId);
    if (!host) this.hosts.set(hostId, (host = { phase: this.phaseOf(hostId, this.heartbeatMs), series: new Map() }));
    const { phase, series } = host;
    const window = Math.floor((frame.collectedAt + phase) / this.heartbeatMs);
    const keep = (key: string, status: string): boolean => {
      const last = series.get(key);
      // A report older than the stored point (an agent's backlog after a clock step) is kept too.
      if (last && last.status === status && frame.collectedAt >= last.at && window === Math.floor((last.at + phase) / this.heartbeatMs)) return false;
      series.set(key, { status, at: frame.collectedAt });
      return true;
    };
    const metrics = frame.metrics.filter((m) => m.m !== 'siaga_agent' || keep(...probeSeries(m)));
    const checks = frame.checks.filter((c) => keep(...checkSeries(c)));
    const dropped = frame.metrics.length - metrics.length + frame.checks.length - checks.length;
    if (dropped === 0) return frame;
    this.skipped += dropped;
    return { ...frame, metrics, checks };
  }
}
