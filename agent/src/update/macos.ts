import { type CommandRunner, runCommand } from '../exec.js';

/**
 * An executable built on Linux carries an invalid code signature, which macOS refuses to run:
 * sign it ad hoc for this Mac, as install.sh does. A valid signature (a Developer ID build) stays.
 */
export async function signForThisMac(file: string, run: CommandRunner = runCommand): Promise<void> {
  if ((await run('codesign', ['--verify', file])).code === 0) return;
  await run('codesign', ['--remove-signature', file]);
  const signed = await run('codesign', ['--sign', '-', '--force', file]);
  if (signed.code !== 0) throw new Error(`codesign failed: ${signed.stderr.trim() || `exit ${signed.code}`}`);
}
