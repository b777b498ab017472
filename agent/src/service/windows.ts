import { spawn } from 'node:child_process';
import { ErrorCode, SiagaError } from '@siaga/shared';
import type { CommandRunner } from '../exec.js';
import type { InstallLayout } from './layout.js';
import { SERVICE_DESCRIPTION, SERVICE_DISPLAY_NAME, SERVICE_NAME } from './layout.js';
import { runChecked, type ServiceFile, type ServiceManager, type ServiceStatus } from './manager.js';

/**
 * Node.js cannot answer the Windows service control manager, so the service is WinSW, a small
 * wrapper that starts `siaga-agent.exe run`, passes Ctrl+C on stop and logs the output. The
 * Windows executable carries WinSW as SEA assets under these names (packaging/build-sea.mjs).
 */
export const WINSW_ASSETS = { exe: 'winsw.exe', runtimeConfig: 'winsw.exe.config' } as const;

/** Service recovery: restart after 10 s, 10 s, then every 60 s; the count resets after an hour without failure. */
const FAILURE_ARGS = ['reset=', '3600', 'actions=', 'restart/10000/restart/10000/restart/60000'];
const SID_SYSTEM = '*S-1-5-18';
const SID_ADMINISTRATORS = '*S-1-5-32-544';

/**
 * The WinSW configuration. Paths use environment variables WinSW expands at service start
 * (%BASE% is the wrapper's folder), so the same file serves the MSI and `siaga-agent install`.
 *
 * The agent runs through the junction `versions\current`, so each start runs the version it
 * names. After an automatic update or a rollback the agent exits with status 75: WinSW 1.17
 * then exits with that status without reporting a stop, the service control manager counts it
 * as a failure and its recovery actions (configureRecovery) start the service again. A status of
 * 0 would be reported as a clean stop and not restarted. The <onfailure> elements are read only
 * when WinSW registers the service itself; `install` and the MSI set the same actions with sc.exe.
 */
export function renderWinswXml(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by siaga-agent install. WinSW service wrapper configuration. -->
<service>
  <id>${SERVICE_NAME}</id>
  <name>${SERVICE_DISPLAY_NAME}</name>
  <description>${SERVICE_DESCRIPTION}</description>
  <!-- versions\\current is a junction to the version in use; automatic updates switch it and exit with 75 to be restarted. -->
  <executable>%BASE%\\versions\\current\\${SERVICE_NAME}.exe</executable>
  <arguments>run --config "%ProgramData%\\siaga\\agent.yaml"</arguments>
  <workingdirectory>%ProgramData%\\siaga</workingdirectory>
  <env name="SIAGA_SERVICE_MANAGER" value="winsw"/>
  <logpath>%ProgramData%\\siaga\\logs</logpath>
  <log mode="roll-by-size">
    <sizeThreshold>10240</sizeThreshold>
    <keepFiles>5</keepFiles>
  </log>
  <stoptimeout>20 sec</stoptimeout>
  <priority>belownormal</priority>
  <onfailure action="restart" delay="10 sec"/>
  <onfailure action="restart" delay="10 sec"/>
  <onfailure action="restart" delay="60 sec"/>
  <resetfailure>1 hour</resetfailure>
</service>
`;
}

/** WinSW's two files, taken from this executable's SEA assets. */
async function wrapperFiles(layout: InstallLayout): Promise<ServiceFile[]> {
  let sea: typeof import('node:sea') | undefined;
  try {
    sea = await import('node:sea');
  } catch {
    sea = undefined;
  }
  if (!sea?.isSea() || !layout.wrapperExe || !layout.wrapperRuntimeConfig) {
    throw new SiagaError(ErrorCode.installFailed, 'the Windows service wrapper travels inside siaga-agent-win-x64.exe: run install from that executable (or use the MSI)');
  }
  const asset = (name: string) => new Uint8Array(sea.getRawAsset(name) as ArrayBuffer);
  return [
    { path: layout.wrapperExe, content: asset(WINSW_ASSETS.exe), mode: 0o755 },
    { path: layout.wrapperRuntimeConfig, content: asset(WINSW_ASSETS.runtimeConfig), mode: 0o644 },
  ];
}

/** SCM state number from `sc.exe query` (1 stopped, 2 start pending, 3 stop pending, 4 running); undefined when absent. */
async function serviceState(run: CommandRunner): Promise<number | undefined> {
  const result = await run('sc.exe', ['query', SERVICE_NAME]);
  if (result.code !== 0) return undefined;
  const state = /STATE\s+:\s+(\d+)/.exec(result.stdout.toString('utf8'))?.[1];
  return state ? Number(state) : 0;
}

async function stopAndWait(run: CommandRunner, timeoutMs = 30_000): Promise<void> {
  const state = await serviceState(run);
  if (state === undefined || state === 1) return;
  await run('sc.exe', ['stop', SERVICE_NAME]);
  const deadline = Date.now() + timeoutMs;
  while ((await serviceState(run)) !== 1) {
    if (Date.now() > deadline) throw new SiagaError(ErrorCode.installFailed, `service ${SERVICE_NAME} did not stop within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Description and restart-on-failure; also run by the MSI, whose ServiceInstall cannot set failure
 * actions. They also restart the agent after an update (see renderWinswXml).
 */
export async function configureRecovery(run: CommandRunner): Promise<void> {
  await runChecked(run, 'sc.exe', ['description', SERVICE_NAME, SERVICE_DESCRIPTION]);
  await runChecked(run, 'sc.exe', ['failure', SERVICE_NAME, ...FAILURE_ARGS]);
  // Also count an exit with a non-zero code as a failure, not only a crash.
  await runChecked(run, 'sc.exe', ['failureflag', SERVICE_NAME, '1']);
}

/**
 * Limits a folder to SYSTEM and Administrators (by SID: the names are translated on localised
 * Windows), then makes everything inside inherit just that.
 */
export async function restrictToAdministrators(dir: string, run: CommandRunner): Promise<void> {
  await runChecked(run, 'icacls', [dir, '/inheritance:r', '/grant:r', `${SID_SYSTEM}:(OI)(CI)F`, `${SID_ADMINISTRATORS}:(OI)(CI)F`]);
  await runChecked(run, 'icacls', [`${dir}\\*`, '/reset', '/T', '/C', '/Q'], [0, 2]);
}

/** Removes the program folder once this process (running from it) has exited: Windows locks running executables. */
export function removeAfterExit(dir: string): void {
  const child = spawn(process.env.ComSpec ?? 'cmd.exe', ['/d', '/s', '/c', `"ping -n 4 127.0.0.1 >nul & rmdir /s /q "${dir}""`], {
    detached: true,
    stdio: 'ignore',
    windowsHide: true,
    windowsVerbatimArguments: true,
  });
  child.unref();
}

export const windowsManager: ServiceManager & { quiesce(run: CommandRunner): Promise<void> } = {
  name: 'Windows service control manager',

  async definition(layout) {
    return [{ path: layout.serviceFile, content: renderWinswXml(), mode: 0o644 }, ...(await wrapperFiles(layout))];
  },

  /** Stops the service before its files are replaced. */
  async quiesce(run) {
    await stopAndWait(run);
  },

  async activate(layout, run) {
    const config = ['binPath=', `"${layout.wrapperExe ?? ''}"`, 'start=', 'auto', 'obj=', 'LocalSystem', 'DisplayName=', SERVICE_DISPLAY_NAME];
    if ((await serviceState(run)) === undefined) await runChecked(run, 'sc.exe', ['create', SERVICE_NAME, ...config]);
    else {
      await stopAndWait(run);
      await runChecked(run, 'sc.exe', ['config', SERVICE_NAME, ...config]);
    }
    await configureRecovery(run);
    await runChecked(run, 'sc.exe', ['start', SERVICE_NAME]);
  },

  async deactivate(_layout, run) {
    if ((await serviceState(run)) === undefined) return;
    await stopAndWait(run);
    // 1072: already marked for deletion.
    await runChecked(run, 'sc.exe', ['delete', SERVICE_NAME], [0, 1072]);
  },

  async status(_layout, run): Promise<ServiceStatus> {
    const state = await serviceState(run);
    if (state === undefined) return { state: 'not-installed', detail: `service ${SERVICE_NAME} is not installed` };
    const names: Record<number, string> = { 1: 'stopped', 2: 'starting', 3: 'stopping', 4: 'running', 5: 'continuing', 6: 'pausing', 7: 'paused' };
    return { state: state === 4 ? 'running' : 'stopped', detail: `service ${SERVICE_NAME} is ${names[state] ?? `in state ${state}`}` };
  },

  logsHint(layout) {
    return `${layout.logDir ?? '%ProgramData%\\siaga\\logs'}\\${SERVICE_NAME}-service.out.log`;
  },
};
