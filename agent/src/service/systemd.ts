import { existsSync } from 'node:fs';
import type { CommandRunner } from '../exec.js';
import { RESTART_EXIT_CODE } from '../update/restart.js';
import type { InstallLayout } from './layout.js';
import { SERVICE_DESCRIPTION, SERVICE_NAME } from './layout.js';
import { runChecked, type ServiceFile, type ServiceManager, type ServiceStatus } from './manager.js';

const UNIT = `${SERVICE_NAME}.service`;

/**
 * The systemd unit. The agent runs as root because its probes need it (SMART, hardware identity,
 * files of every user for backup checks) and everything else is taken away: the file system is
 * read-only but for the state directory, capabilities are cut to the four the probes use, and
 * system calls are limited to what ordinary services make.
 */
export function renderSystemdUnit(layout: InstallLayout): string {
  return `# Written by \`siaga-agent install\`. Put local changes in a drop-in: systemctl edit ${SERVICE_NAME}
[Unit]
Description=${SERVICE_DESCRIPTION}
After=network-online.target
Wants=network-online.target
# Installed but not configured yet (a package without a collector): stay inactive instead of restarting forever.
ConditionPathExists=${layout.configFile}

[Service]
Type=simple
ExecStart=${layout.executable} run --config ${layout.configFile}
# Tells the agent that an exit after an automatic update is followed by a restart; that exit
# is not a failure.
Environment=SIAGA_SERVICE_MANAGER=systemd
SuccessExitStatus=${RESTART_EXIT_CODE}
Restart=always
RestartSec=10s
TimeoutStopSec=20s
User=root
UMask=0077
# Office PCs are for their users: the agent yields CPU and disk to them.
Nice=10
IOSchedulingClass=best-effort
IOSchedulingPriority=7
MemoryMax=384M

# Capabilities the probes need, and nothing more:
#   CAP_NET_RAW          ICMP echo (gateway and path probes; ping)
#   CAP_SYS_RAWIO        SMART of SATA/SAS disks (smartctl's SG_IO)
#   CAP_SYS_ADMIN        SMART of NVMe disks (admin commands need it)
#   CAP_DAC_READ_SEARCH  backup freshness of files owned by other users (read only)
CapabilityBoundingSet=CAP_NET_RAW CAP_SYS_RAWIO CAP_SYS_ADMIN CAP_DAC_READ_SEARCH
NoNewPrivileges=yes
ProtectSystem=strict
# The program folder too: automatic updates place new versions beside the running one.
ReadWritePaths=${layout.stateDir} ${layout.programDir}
# Read-only rather than hidden: backup and application checks may look at users' folders.
ProtectHome=read-only
PrivateTmp=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectHostname=yes
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallErrorNumber=EPERM
# Left out on purpose:
#   MemoryDenyWriteExecute  V8's JIT compiler needs memory that is writable and then executable.
#   PrivateDevices, DevicePolicy, ProtectClock  would hide /dev/sd* and /dev/nvme*, which SMART reads.
#   PrivateNetwork, IPAddressDeny  the agent reports over the network and probes it.

[Install]
WantedBy=multi-user.target
`;
}

/** The unit's state from `systemctl show --property=LoadState,ActiveState,SubState,Result`. */
export function unitStatus(show: string): ServiceStatus {
  const props = Object.fromEntries(
    show
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string])
      .filter((kv) => kv.length === 2),
  );
  if (props.LoadState === 'not-found') return { state: 'not-installed', detail: `${UNIT} is not installed` };
  const detail = `${UNIT} is ${props.ActiveState ?? '?'} (${props.SubState ?? '?'}${props.Result && props.Result !== 'success' ? `, last result ${props.Result}` : ''})`;
  return { state: props.ActiveState === 'active' ? 'running' : 'stopped', detail };
}

/** True when systemd is the running init (not a container or a chroot building an image). */
function systemdRunning(): boolean {
  return existsSync('/run/systemd/system');
}

export const systemdManager: ServiceManager & { afterRemoval(run: CommandRunner): Promise<void> } = {
  name: 'systemd',

  async definition(layout): Promise<ServiceFile[]> {
    return [{ path: layout.serviceFile, content: renderSystemdUnit(layout), mode: 0o644 }];
  },

  async activate(_layout, run) {
    if (!systemdRunning()) {
      // `enable` works offline (it only makes links); the unit starts at the next boot.
      await runChecked(run, 'systemctl', ['enable', UNIT]);
      return;
    }
    await runChecked(run, 'systemctl', ['daemon-reload']);
    await runChecked(run, 'systemctl', ['enable', UNIT]);
    await runChecked(run, 'systemctl', ['restart', UNIT]);
  },

  async deactivate(layout, run) {
    if (!existsSync(layout.serviceFile)) return;
    await runChecked(run, 'systemctl', systemdRunning() ? ['disable', '--now', UNIT] : ['disable', UNIT]);
  },

  async afterRemoval(run) {
    if (systemdRunning()) await runChecked(run, 'systemctl', ['daemon-reload']);
  },

  async status(_layout, run): Promise<ServiceStatus> {
    if (!systemdRunning()) return { state: 'unknown', detail: 'systemd is not running here' };
    const result = await run('systemctl', ['show', UNIT, '--property=LoadState,ActiveState,SubState,Result']);
    if (result.code !== 0) return { state: 'unknown', detail: `systemctl show failed: ${result.stderr.replace(/\s+/g, ' ').trim() || `exit ${result.code}`}` };
    return unitStatus(result.stdout.toString('utf8'));
  },

  logsHint() {
    return `journalctl -u ${SERVICE_NAME}`;
  },
};
