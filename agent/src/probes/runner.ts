import type { Metric } from '@siaga/shared';
import { describeIssues, fieldIssues, ErrorCode, SiagaError } from '@siaga/shared';
import type { CommandRunner, ProcessStarter } from '../exec.js';
import { ProbeRun } from './probe-run.js';
import type { BaseProbeConfig, Probe } from './types.js';

export interface ProbeOutcome {
  probe: string;
  /** When this run started (the agent's clock): a newer run's samples supersede it. */
  startedAt: number;
  ok: boolean;
  durationMs: number;
  error?: string;
  metrics: Metric[];
}

interface Configured {
  probe: Probe;
  config: BaseProbeConfig;
  memo: Map<string, unknown>;
}

/**
 * Validates each probe's configuration and runs the enabled probes, each under its own timeout.
 * One failing probe never hides the others: its failure becomes a `siaga_agent` sample.
 */
export class ProbeRunner {
  private configured: Configured[] = [];
  private readonly memos = new Map<string, Map<string, unknown>>();
  private readonly inFlight = new Map<string, Promise<ProbeOutcome>>();
  private watched: { measurements: ReadonlySet<string>; configured: Configured[]; list: ReadonlyArray<{ name: string; minMs: number }> } | undefined;

  constructor(
    private readonly probes: readonly Probe[],
    private readonly deps: { run: CommandRunner; platform: NodeJS.Platform; now: () => number; start?: ProcessStarter },
  ) {}

  /**
   * Applies probe configuration (local config merged under the policy's). Throws a
   * SIAGA_ERR_INVALID_CONFIG naming the probe and field; the previous configuration stays.
   */
  configure(sections: Record<string, Record<string, unknown> | undefined>): void {
    const unknown = Object.keys(sections).filter((name) => !this.probes.some((p) => p.name === name));
    if (unknown.length > 0) {
      throw new SiagaError(ErrorCode.invalidConfig, `probes.${unknown[0]}: unknown probe (known: ${this.probes.map((p) => p.name).join(', ')})`, { path: `probes.${unknown[0]}` });
    }
    const next: Configured[] = [];
    for (const probe of this.probes) {
      const parsed = probe.configSchema.safeParse(sections[probe.name] ?? {});
      if (!parsed.success) {
        const message = describeIssues(fieldIssues(parsed.error), `probes.${probe.name}`);
        throw new SiagaError(ErrorCode.invalidConfig, message, { path: `probes.${probe.name}` });
      }
      let memo = this.memos.get(probe.name);
      if (!memo) this.memos.set(probe.name, (memo = new Map()));
      next.push({ probe, config: parsed.data, memo });
    }
    this.configured = next;
  }

  /** Enabled probes, not running now, that write any of these measurements and may run again at `now`. */
  watchable(measurements: ReadonlySet<string>, lastRun: ReadonlyMap<string, number>, now: number): string[] {
    const names: string[] = [];
    for (const { name, minMs } of this.watchList(measurements)) {
      if (!this.inFlight.has(name) && now - (lastRun.get(name) ?? 0) >= minMs) names.push(name);
    }
    return names;
  }

  /**
   * The enabled probes writing any of these measurements that a watch may re-run, with their
   * least interval: worked out once per configuration and set of measurements, not every tick.
   */
  private watchList(measurements: ReadonlySet<string>): ReadonlyArray<{ name: string; minMs: number }> {
    const cached = this.watched;
    if (cached && cached.measurements === measurements && cached.configured === this.configured) return cached.list;
    const list: Array<{ name: string; minMs: number }> = [];
    for (const { probe, config } of this.configured) {
      if (!config.enabled || probe.minWatchIntervalMs === Infinity || !probe.measurements.some((m) => measurements.has(m))) continue;
      list.push({ name: probe.name, minMs: config.watchEveryMs ?? probe.minWatchIntervalMs ?? 0 });
    }
    this.watched = { measurements, configured: this.configured, list };
    return list;
  }

  enabledNames(): string[] {
    return this.configured.filter((c) => c.config.enabled).map((c) => c.probe.name);
  }

  /**
   * Runs the named probe (all enabled ones, concurrently, when omitted). A probe already running
   * is not started twice: the caller shares the run in flight.
   */
  async collect(only?: string): Promise<ProbeOutcome[]> {
    const selected = this.configured.filter((c) => c.config.enabled && (only === undefined || c.probe.name === only));
    return Promise.all(selected.map((c) => this.start(c)));
  }

  /** Is this probe running right now? */
  running(name: string): boolean {
    return this.inFlight.has(name);
  }

  private start(c: Configured): Promise<ProbeOutcome> {
    let run = this.inFlight.get(c.probe.name);
    if (!run) {
      run = this.runOne(c).finally(() => this.inFlight.delete(c.probe.name));
      this.inFlight.set(c.probe.name, run);
    }
    return run;
  }

  private async runOne({ probe, config, memo }: Configured): Promise<ProbeOutcome> {
    const startedAt = this.deps.now();
    const started = performance.now();
    const ctx = new ProbeRun(this.deps.platform, this.deps.run, memo, this.deps.now, config.timeoutMs, this.deps.start);
    try {
      const work = probe.collect(ctx, config);
      // A probe that finishes (or fails) after its timeout must not surface as an unhandled rejection.
      work.catch(() => undefined);
      const metrics = await Promise.race([work, ctx.expired]);
      return { probe: probe.name, startedAt, ok: true, durationMs: performance.now() - started, metrics };
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      return { probe: probe.name, startedAt, ok: false, durationMs: performance.now() - started, error: error.slice(0, 500), metrics: [] };
    } finally {
      ctx.finish();
    }
  }
}

/** node_exporter-style self metrics: one `siaga_agent` sample per probe run. */
export function selfMetrics(outcomes: readonly ProbeOutcome[]): Metric[] {
  return outcomes.map((o) => ({
    m: 'siaga_agent',
    tags: { probe: o.probe },
    fields: { duration_ms: Math.round(o.durationMs * 100) / 100, success: o.ok ? 1 : 0, ...(o.error ? { error: o.error.replace(/[\u0000-\u001f\u007f]/g, ' ') } : {}) },
  }));
}
