import type { AgentConfig } from '../config.js';
import { runCommand } from '../exec.js';
import { PROBES } from '../probes/index.js';
import { ProbeRunner } from '../probes/runner.js';
import { type CheckLine, fail, pass } from './checklist.js';

/** Runs every probe the local config enables once, as the agent would, and reports each. */
export async function checkProbes(config: AgentConfig): Promise<CheckLine[]> {
  const runner = new ProbeRunner(PROBES, { run: runCommand, platform: process.platform, now: Date.now });
  try {
    runner.configure(config.probes);
  } catch (err) {
    return [fail((err as Error).message, 'Correct the probes section of the config.')];
  }
  const outcomes = await runner.collect();
  return outcomes.map((o) =>
    o.ok
      ? pass(`Probe ${o.probe}: ${o.metrics.length} measurement${o.metrics.length === 1 ? '' : 's'} in ${Math.round(o.durationMs)} ms`)
      : fail(`Probe ${o.probe} failed: ${o.error ?? 'unknown error'}`, `Disable it under probes.${o.probe} if this computer has no use for it, or fix what the message names.`),
  );
}
