import path from 'node:path';
import type { InstallLayout } from './layout.js';
import { LAUNCHD_LABEL } from './layout.js';
import { runChecked, type ServiceFile, type ServiceManager, type ServiceStatus } from './manager.js';

const TARGET = `system/${LAUNCHD_LABEL}`;

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const string = (s: string): string => `<string>${escapeXml(s)}</string>`;

export function logFile(layout: InstallLayout): string {
  return path.posix.join(layout.logDir ?? '/Library/Logs/siaga', 'agent.log');
}

/** The LaunchDaemon: started at boot as root, restarted whenever it exits (at most every 10 s). */
export function renderLaunchdPlist(layout: InstallLayout): string {
  const args = [layout.executable, 'run', '--config', layout.configFile].map((a) => `\t\t${string(a)}`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- Written by siaga-agent install. -->
<plist version="1.0">
<dict>
\t<key>Label</key>
\t${string(LAUNCHD_LABEL)}
\t<key>ProgramArguments</key>
\t<array>
${args}
\t</array>
\t<key>EnvironmentVariables</key>
\t<dict>
\t\t<key>SIAGA_SERVICE_MANAGER</key>
\t\t${string('launchd')}
\t</dict>
\t<key>RunAtLoad</key>
\t<true/>
\t<key>KeepAlive</key>
\t<true/>
\t<key>ThrottleInterval</key>
\t<integer>10</integer>
\t<key>ExitTimeOut</key>
\t<integer>20</integer>
\t<key>Nice</key>
\t<integer>10</integer>
\t<key>Umask</key>
\t<integer>63</integer>
\t<key>WorkingDirectory</key>
\t${string(layout.stateDir)}
\t<key>StandardOutPath</key>
\t${string(logFile(layout))}
\t<key>StandardErrorPath</key>
\t${string(logFile(layout))}
</dict>
</plist>
`;
}

export const launchdManager: ServiceManager = {
  name: 'launchd',

  async definition(layout): Promise<ServiceFile[]> {
    // launchd ignores a daemon plist that is not owned by root or is writable by others.
    return [{ path: layout.serviceFile, content: renderLaunchdPlist(layout), mode: 0o644 }];
  },

  async activate(layout, run) {
    // bootstrap refuses a label that is already loaded: unload first so a changed plist is read.
    if ((await run('launchctl', ['print', TARGET])).code === 0) await runChecked(run, 'launchctl', ['bootout', TARGET]);
    await runChecked(run, 'launchctl', ['enable', TARGET]);
    await runChecked(run, 'launchctl', ['bootstrap', 'system', layout.serviceFile]);
  },

  async deactivate(_layout, run) {
    if ((await run('launchctl', ['print', TARGET])).code !== 0) return;
    await runChecked(run, 'launchctl', ['bootout', TARGET]);
  },

  async status(_layout, run): Promise<ServiceStatus> {
    const result = await run('launchctl', ['print', TARGET]);
    if (result.code !== 0) return { state: 'not-installed', detail: `${LAUNCHD_LABEL} is not loaded` };
    const text = result.stdout.toString('utf8');
    const state = /^\s*state = (\S+)/m.exec(text)?.[1] ?? 'unknown';
    const lastExit = /^\s*last exit code = (.+)$/m.exec(text)?.[1];
    return { state: state === 'running' ? 'running' : 'stopped', detail: `${LAUNCHD_LABEL} is ${state}${lastExit ? ` (last exit ${lastExit.trim()})` : ''}` };
  },

  logsHint(layout) {
    return logFile(layout);
  },
};
