import type { Metric } from '@siaga/shared';
import type { z } from 'zod';
import type { CommandRunner, ProcessStarter } from '../exec.js';

/** What a probe gets from the agent on every run. */
export interface ProbeContext {
  /** `process.platform` of the machine, or the one a test pretends to be. */
  readonly platform: NodeJS.Platform;
  /** Aborted when the probe's time is up; pass it to every command and request. */
  readonly signal: AbortSignal;
  /** Runs a fixed argument vector, never through a shell. */
  readonly run: CommandRunner;
  /**
   * Starts a program that outlives the run (a ping streaming replies). Absent where no process
   * may be left running (one-shot diagnostics, tests with scripted commands): probes then fall
   * back to `run`.
   */
  readonly start?: ProcessStarter | undefined;
  /** Scratch space kept between runs of this probe (previous samples, caches). */
  readonly memo: Map<string, unknown>;
  readonly now: () => number;
}

/**
 * A probe measures one thing on the workstation. Every probe file exports one of these; the
 * explicit list in `index.ts` registers them.
 */
export interface Probe<C extends BaseProbeConfig = BaseProbeConfig> {
  readonly name: string;
  readonly description: string;
  /** Measurements this probe writes: the agent re-runs a probe quickly when a check reads one of them. */
  readonly measurements: readonly string[];
  /**
   * Least time between two runs when a check watches this probe (default: every watch tick).
   * Costly probes raise it; `Infinity` means only on the report interval.
   */
  readonly minWatchIntervalMs?: number;
  /** On when neither the local config nor the policy says otherwise. */
  readonly defaultEnabled: boolean;
  /** Validates this probe's section of the config or policy and fills in defaults. */
  readonly configSchema: z.ZodType<C, unknown>;
  collect(ctx: ProbeContext, config: C): Promise<Metric[]>;
}

/** Every probe config accepts these two keys. */
export interface BaseProbeConfig {
  enabled: boolean;
  timeoutMs: number;
  watchEveryMs?: number | undefined;
}
