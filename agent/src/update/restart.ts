import { spawn } from 'node:child_process';

/**
 * Exit status after an update or a rollback: the service manager starts the program again
 * (systemd `Restart=always`, launchd `KeepAlive`; on Windows the service's recovery actions,
 * which act only on a non-zero status: WinSW reports a 0 as a clean stop). 75 is EX_TEMPFAIL:
 * "try again".
 */
export const RESTART_EXIT_CODE = 75;

/** Service definitions set SIAGA_SERVICE_MANAGER (agent/src/service/), so the agent knows it will be restarted. */
export function underServiceManager(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.SIAGA_SERVICE_MANAGER);
}

/**
 * Ends this process so that `executable` runs in its place: the service manager restarts it, or,
 * when none runs the agent, a detached child with the same arguments and output takes over.
 */
export function restartInto(executable: string): never {
  if (!underServiceManager()) {
    const child = spawn(executable, process.argv.slice(2), { detached: true, stdio: 'inherit' });
    child.unref();
    process.exit(0);
  }
  process.exit(RESTART_EXIT_CODE);
}
