import { ErrorCode, SiagaError } from '@siaga/shared';
import type { CommandResult, CommandRunner } from '../exec.js';
import type { InstallLayout } from './layout.js';

/** A file that defines the service, at its installed path. */
export interface ServiceFile {
  path: string;
  content: string | Uint8Array;
  mode: number;
}

export type ServiceState = 'running' | 'stopped' | 'not-installed' | 'unknown';

export interface ServiceStatus {
  state: ServiceState;
  /** What the service manager said, in a few words. */
  detail: string;
}

/** One operating system's service manager: systemd, launchd or the Windows service control manager. */
export interface ServiceManager {
  readonly name: string;
  /** The files that define the service for this layout. */
  definition(layout: InstallLayout): Promise<ServiceFile[]>;
  /** Registers the service to start at boot and to restart on failure, and (re)starts it. */
  activate(layout: InstallLayout, run: CommandRunner): Promise<void>;
  /** Stops and unregisters the service; a service that is not there is not an error. */
  deactivate(layout: InstallLayout, run: CommandRunner): Promise<void>;
  status(layout: InstallLayout, run: CommandRunner): Promise<ServiceStatus>;
  /** Where an administrator finds the agent's log, as a command or a path. */
  logsHint(layout: InstallLayout): string;
}

/** Runs a service-manager command and turns a non-zero exit into a SIAGA_ERR_INSTALL_FAILED naming it. */
export async function runChecked(run: CommandRunner, file: string, args: readonly string[], okCodes: readonly number[] = [0]): Promise<CommandResult> {
  const result = await run(file, args);
  if (result.code === null || !okCodes.includes(result.code)) {
    const output = `${result.stdout.toString('utf8')} ${result.stderr}`.replace(/\s+/g, ' ').trim().slice(0, 400);
    throw new SiagaError(ErrorCode.installFailed, `${file} ${args.join(' ')} failed (exit ${result.code ?? 'killed'})${output ? `: ${output}` : ''}`);
  }
  return result;
}
