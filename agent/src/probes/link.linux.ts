import { kernelFileExists, readKernelFile } from './kernel-files.js';
import type { LinkFacts } from './link.js';

const readTrimmed = (file: string): string | undefined => readKernelFile(file)?.trim();

/**
 * operstate "up", or "unknown" with carrier (tun devices and some drivers never say "up"). A lost
 * carrier counts at once: the kernel updates operstate a moment later.
 */
export const linuxLinkUp = (operstate: string | undefined, carrier: string | undefined): boolean =>
  (operstate === 'up' || (operstate === 'unknown' && carrier === '1')) && carrier !== '0';

/** `/sys/class/net/<if>/speed` in Mbit/s; -1, 0 or unreadable (link down, Wi-Fi) means unknown. */
export const parseLinuxSpeed = (text: string | undefined): number | undefined => {
  const n = Number(text);
  return text && Number.isInteger(n) && n > 0 && n < 4_000_000 ? n : undefined;
};

/** Link facts from sysfs: a few small file reads, cheap enough for every cycle. */
export async function linuxLinkFacts(iface: string, sysRoot = '/sys'): Promise<Omit<LinkFacts, 'ipv4'>> {
  const dir = `${sysRoot}/class/net/${iface}`;
  const operstate = readTrimmed(`${dir}/operstate`);
  const carrier = readTrimmed(`${dir}/carrier`);
  const speed = readTrimmed(`${dir}/speed`);
  const wireless = kernelFileExists(`${dir}/wireless`);
  const phy = kernelFileExists(`${dir}/phy80211`);
  const up = linuxLinkUp(operstate, carrier);
  const speedMbps = up ? parseLinuxSpeed(speed) : undefined;
  return { up, wireless: wireless || phy, ...(speedMbps ? { speedMbps } : {}) };
}
