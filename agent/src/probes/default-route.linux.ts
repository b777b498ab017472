import type { DefaultRoute } from './default-route.js';

const RTF_UP = 0x1;

/** "0102A8C0" (little-endian hex, as the kernel prints it) → "192.168.2.1". */
export function hexToIpv4(hex: string): string {
  const n = Number.parseInt(hex, 16);
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff].join('.');
}

/**
 * The default route from `/proc/net/route`: destination and mask 0, route up, lowest metric.
 * A default route without a gateway (PPP, VPN tunnels) has only an interface.
 */
export function parseProcNetRoute(text: string): DefaultRoute | undefined {
  let best: (DefaultRoute & { metric: number }) | undefined;
  for (const line of text.split('\n').slice(1)) {
    const [iface, destination, gateway, flags, , , metric, mask] = line.trim().split(/\s+/);
    if (!iface || destination !== '00000000' || mask !== '00000000' || !gateway || !flags) continue;
    if ((Number.parseInt(flags, 16) & RTF_UP) === 0) continue;
    const m = Number(metric ?? 0);
    if (best && best.metric <= m) continue;
    best = { interface: iface, metric: m, ...(gateway !== '00000000' ? { gateway: hexToIpv4(gateway) } : {}) };
  }
  if (!best) return undefined;
  const { metric: _metric, ...route } = best;
  return route;
}
