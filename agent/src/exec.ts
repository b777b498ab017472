import { type ChildProcess, execFile, spawn } from 'node:child_process';

export interface CommandResult {
  /** Raw bytes: some commands answer in UTF-16 or an OEM code page. */
  stdout: Buffer;
  stderr: string;
  /** Exit code; null when the command was killed (timeout). */
  code: number | null;
}

export type CommandRunner = (file: string, args: readonly string[], options?: { signal?: AbortSignal; maxBytes?: number }) => Promise<CommandResult>;

/**
 * Runs a program with a fixed argument vector (never through a shell). A missing program or a
 * non-zero exit is a result, not an exception; only an abort rejects.
 */
export const runCommand: CommandRunner = (file, args, options = {}) =>
  new Promise((resolve, reject) => {
    execFile(
      file,
      [...args],
      { encoding: 'buffer', maxBuffer: options.maxBytes ?? 8 * 1024 * 1024, windowsHide: true, signal: options.signal, env: { ...process.env, LC_ALL: 'C' } },
      (error, stdout, stderr) => {
        if (error && (error as NodeJS.ErrnoException).name === 'AbortError') {
          reject(error);
          return;
        }
        const errno = error as (NodeJS.ErrnoException & { code?: unknown }) | null;
        if (errno && typeof errno.code === 'string') {
          // ENOENT and friends: the program is not installed.
          resolve({ stdout: Buffer.alloc(0), stderr: errno.message, code: 127 });
          return;
        }
        const code = errno ? (typeof errno.code === 'number' ? errno.code : null) : 0;
        resolve({ stdout, stderr: stderr.toString('utf8'), code });
      },
    );
  });

/** Starts a long-lived program with a fixed argument vector: stdin ignored, stdout and stderr piped. */
export type ProcessStarter = (file: string, args: readonly string[]) => ChildProcess;

/** Starts a program that keeps running (never through a shell), in the C locale like `runCommand`. */
export const startProcess: ProcessStarter = (file, args) => spawn(file, [...args], { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, env: { ...process.env, LC_ALL: 'C' } });
