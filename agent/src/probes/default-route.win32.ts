import { isIP } from 'node:net';
import type { DefaultRoute } from './default-route.js';

export interface WindowsDefaultRoute {
  gateway: string;
  interfaceAddress: string;
  metric: number;
}

/**
 * IPv4 default routes from `route print`, lowest metric first. Rows are matched by shape
 * (0.0.0.0 0.0.0.0 <gateway> <interface address> <metric>), so the localized headings and the
 * "On-link" word never matter; the 4-column "Persistent Routes" rows do not match.
 */
export function parseRoutePrint(text: string): WindowsDefaultRoute[] {
  const routes: WindowsDefaultRoute[] = [];
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*0\.0\.0\.0\s+0\.0\.0\.0\s+(\S+)\s+(\S+)\s+(\d+)\s*$/.exec(line);
    if (!match || isIP(match[1]!) !== 4 || isIP(match[2]!) !== 4) continue;
    routes.push({ gateway: match[1]!, interfaceAddress: match[2]!, metric: Number(match[3]) });
  }
  return routes.sort((a, b) => a.metric - b.metric);
}

/** The interface name that holds `address` (Windows names, e.g. "Wi-Fi", come from Node). */
export function interfaceWithAddress(address: string, interfaces: NodeJS.Dict<import('node:os').NetworkInterfaceInfo[]>): string | undefined {
  for (const [name, infos] of Object.entries(interfaces)) {
    if (infos?.some((i) => i.address === address)) return name;
  }
  return undefined;
}

export function toDefaultRoute(route: WindowsDefaultRoute, name: string | undefined): DefaultRoute {
  return { gateway: route.gateway, interfaceAddress: route.interfaceAddress, ...(name ? { interface: name } : {}) };
}
