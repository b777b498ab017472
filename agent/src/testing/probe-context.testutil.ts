import type { CommandResult, CommandRunner } from '../exec.js';
import { runCommand } from '../exec.js';
import type { ProbeContext } from '../probes/types.js';

export interface ScriptedCall {
  file: string;
  args: readonly string[];
}

/** Answer for one command line: text or bytes on stdout, exit code 0 unless given. */
export type ScriptedAnswer = string | Buffer | Partial<Omit<CommandResult, 'stdout'>> & { stdout?: string | Buffer };

/**
 * A command runner that answers from a table keyed by `file arg1 arg2...`; unknown commands
 * behave like a missing program (exit 127). Every call is recorded.
 */
export function scriptedRunner(table: Record<string, ScriptedAnswer>): CommandRunner & { calls: ScriptedCall[] } {
  const calls: ScriptedCall[] = [];
  const run: CommandRunner = async (file, args) => {
    calls.push({ file, args });
    const answer = table[[file, ...args].join(' ')];
    if (answer === undefined) return { stdout: Buffer.alloc(0), stderr: `spawn ${file} ENOENT`, code: 127 };
    if (typeof answer === 'string' || Buffer.isBuffer(answer)) return { stdout: Buffer.from(answer), stderr: '', code: 0 };
    const stdout = answer.stdout === undefined ? Buffer.alloc(0) : Buffer.from(answer.stdout);
    return { stdout, stderr: answer.stderr ?? '', code: answer.code === undefined ? 0 : answer.code };
  };
  return Object.assign(run, { calls });
}

/** A probe context with its own memo; `clock.t` moves time for cache tests. */
export function probeContext(options: { platform?: NodeJS.Platform; run?: CommandRunner; clock?: { t: number } } = {}): ProbeContext {
  const clock = options.clock ?? { t: Date.now() };
  return {
    platform: options.platform ?? process.platform,
    signal: new AbortController().signal,
    run: options.run ?? runCommand,
    memo: new Map(),
    now: () => clock.t,
  };
}
