import { isIP } from 'node:net';
import type { DefaultRoute } from './default-route.js';

/** `route -n get default`: "gateway: 10.160.24.1", "interface: en0". */
export function parseRouteGet(text: string): DefaultRoute | undefined {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\s*([a-z ]+):\s*(\S+)\s*$/.exec(line);
    if (match) values.set(match[1]!.trim(), match[2]!);
  }
  const iface = values.get('interface');
  if (!iface) return undefined;
  const gateway = values.get('gateway');
  return { interface: iface, ...(gateway && isIP(gateway) === 4 ? { gateway } : {}) };
}

/**
 * The IPv4 default route from `netstat -rn` (`-f inet`). The columns differ between macOS
 * versions (Refs/Use were dropped), so the interface column is found by the header's `Netif`.
 */
export function parseNetstatRn(text: string): DefaultRoute | undefined {
  let netif = -1;
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols[0] === 'Destination') {
      netif = cols.indexOf('Netif');
      continue;
    }
    if (netif < 0 || cols[0] !== 'default') continue;
    const gateway = cols[1] ?? '';
    const iface = cols[netif];
    if (!iface) continue;
    // The Internet6 table also has "default" rows; only IPv4 gateways count here.
    if (isIP(gateway) === 4) return { interface: iface, gateway };
    if (gateway.startsWith('link#')) return { interface: iface };
  }
  return undefined;
}
