import { createHash } from 'node:crypto';
import os from 'node:os';
import type { HostIdentity, OsInfo } from '@siaga/shared';
import si from 'systeminformation';

export interface HostFacts {
  hostname: string;
  hardwareUuid: string | undefined;
  fingerprint: string;
  os: OsInfo;
}

const clean = (s: string | undefined): string | undefined => {
  const t = (s ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return t && t !== '-' && !/^0+$|^(none|default string|to be filled by o\.e\.m\.)$/i.test(t) ? t : undefined;
};

/**
 * What the hardware and OS say about this machine. The fingerprint hashes stable hardware facts
 * so that a cloned disk image on other hardware can be told apart from the original.
 */
export async function readHostFacts(hostnameOverride?: string, fingerprintOverride?: string): Promise<HostFacts> {
  const [uuid, system, info] = await Promise.all([si.uuid(), si.system(), si.osInfo()]);
  const hardwareUuid = clean(uuid.hardware) ?? clean(system.uuid);
  const serial = clean(system.serial);
  // Board UUID and serial survive a docking station or a new NIC; MACs are the fallback for
  // machines (often VMs) that expose neither.
  const stable = hardwareUuid || serial ? [hardwareUuid ?? '', serial ?? ''] : [...uuid.macs].filter((m) => m && m !== '00:00:00:00:00:00').sort();
  const fingerprint = fingerprintOverride ?? createHash('sha256').update(stable.join('|')).digest('hex').slice(0, 32);
  const osInfo: OsInfo = {
    platform: process.platform,
    distro: (clean(info.distro) ?? os.type()).slice(0, 128),
    release: (clean(info.release) ?? os.release()).slice(0, 64),
    kernel: (clean(info.kernel) ?? os.release()).slice(0, 128),
    arch: os.arch(),
  };
  const build = clean(info.build);
  if (build) osInfo.build = build.slice(0, 64);
  return { hostname: (hostnameOverride ?? os.hostname()).slice(0, 255), hardwareUuid: hardwareUuid?.slice(0, 128), fingerprint, os: osInfo };
}

export function hostIdentity(agentId: string, facts: HostFacts): HostIdentity {
  const id: HostIdentity = { id: agentId, hostname: facts.hostname, fingerprint: facts.fingerprint };
  if (facts.hardwareUuid) id.hardwareUuid = facts.hardwareUuid;
  return id;
}
