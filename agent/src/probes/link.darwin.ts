import { SLOW_REFRESH_MS, slowFact } from './slow-facts.js';
import type { ProbeContext } from './types.js';
import type { LinkFacts } from './link.js';

/**
 * `ifconfig <if>`: `status: active|inactive` (absent on some virtual interfaces, then the UP and
 * RUNNING flags decide) and the negotiated media, e.g. "media: autoselect (1000baseT <full-duplex>)".
 */
export function parseIfconfig(text: string): Omit<LinkFacts, 'wireless'> {
  const status = /^\s*status:\s*(\S+)/m.exec(text)?.[1];
  const flags = /flags=[0-9a-f]+<([^>]*)>/i.exec(text)?.[1]?.split(',') ?? [];
  const up = status ? status === 'active' : flags.includes('UP') && flags.includes('RUNNING');
  const media = /^\s*media:.*\((\d+(?:\.\d+)?)(G?)base/im.exec(text);
  const speedMbps = media ? Number(media[1]) * (media[2] ? 1000 : 1) : undefined;
  const ipv4 = /^\s*inet (\d+\.\d+\.\d+\.\d+)/m.exec(text)?.[1];
  return { up, ...(up && speedMbps ? { speedMbps } : {}), ...(ipv4 ? { ipv4 } : {}) };
}

/** Devices whose hardware port is Wi-Fi (AirPort on old systems), from `networksetup -listallhardwareports`. */
export function parseWirelessDevices(text: string): string[] {
  const devices: string[] = [];
  let port = '';
  for (const line of text.split('\n')) {
    const p = /^Hardware Port:\s*(.+)$/.exec(line.trim());
    if (p) port = p[1]!;
    const d = /^Device:\s*(\S+)$/.exec(line.trim());
    if (d && /wi-?fi|airport/i.test(port)) devices.push(d[1]!);
  }
  return devices;
}

/** The Wi-Fi devices of this Mac (en0 on most), re-read every few minutes. */
export function darwinWirelessDevices(ctx: ProbeContext): Promise<string[]> {
  return slowFact(ctx, 'wirelessDevices', '', SLOW_REFRESH_MS, async () => {
    const r = await ctx.run('/usr/sbin/networksetup', ['-listallhardwareports'], { signal: ctx.signal });
    return r.code === 0 ? parseWirelessDevices(r.stdout.toString('utf8')) : [];
  });
}
