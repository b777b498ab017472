import { normalizeMac } from './wifi.win32.js';

export interface IpconfigAdapter {
  /** The localized heading without its colon, e.g. "Wireless LAN adapter Wi-Fi". */
  heading: string;
  mac?: string;
  ipv4: string[];
}

const IPV4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?:\s*\(.*\))?$/;
const MASK = /^255\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const MAC = /^(?:[0-9a-f]{2}-){5}[0-9a-f]{2}$/i;

/**
 * `ipconfig /all` split into adapters. Headings are the unindented lines ending in ':'; an
 * adapter's own IPv4 address is the IPv4-shaped value directly followed by a subnet mask (the
 * labels are localized, and gateway, DHCP and DNS servers are IPv4-shaped too).
 */
export function parseIpconfigAll(text: string): IpconfigAdapter[] {
  const adapters: IpconfigAdapter[] = [];
  let current: { heading: string; values: string[] } | undefined;
  const finish = () => {
    if (!current) return;
    const adapter: IpconfigAdapter = { heading: current.heading, ipv4: [] };
    current.values.forEach((value, i) => {
      if (!adapter.mac && MAC.test(value)) adapter.mac = normalizeMac(value);
      const ip = IPV4.exec(value);
      if (ip && MASK.test(current!.values[i + 1] ?? '')) adapter.ipv4.push(ip[1]!);
    });
    adapters.push(adapter);
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (/^\S.*:$/.test(line)) {
      finish();
      current = { heading: line.slice(0, -1).trim(), values: [] };
      continue;
    }
    const entry = /^\s+[^:]*?[ .]:\s?(.*)$/.exec(line) ?? /^\s+([^\s:].*)$/.exec(line);
    if (current && entry) current.values.push(entry[1]!.trim());
  }
  finish();
  // The first heading is the host section ("Windows IP Configuration"): no MAC, no address.
  return adapters.filter((a, i) => i > 0 || a.mac || a.ipv4.length > 0);
}

/** The adapter's friendly name: the known interface name its heading ends with, else the heading. */
export function adapterName(heading: string, knownNames: readonly string[]): string {
  const found = knownNames.filter((n) => heading === n || heading.endsWith(` ${n}`)).sort((a, b) => b.length - a.length)[0];
  return found ?? heading;
}
