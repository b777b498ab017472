import { backupProbe } from './backup.js';
import { batteryProbe } from './battery.js';
import { cpuProbe } from './cpu.js';
import { diskProbe } from './disk.js';
import { dnsProbe } from './dns.js';
import { httpProbe } from './http.js';
import { linkProbe } from './link.js';
import { memProbe } from './mem.js';
import { netProbe } from './net.js';
import { processProbe } from './process.js';
import { pingProbe } from './ping.js';
import { rebootProbe } from './reboot.js';
import { serviceProbe } from './service.js';
import { smartProbe } from './smart.js';
import { systemProbe } from './system.js';
import { tcpProbe } from './tcp.js';
import { temperatureProbe } from './temperature.js';
import type { Probe } from './types.js';
import { wifiProbe } from './wifi.js';

/**
 * Every probe the agent knows, in the order a technician would look. Explicit on purpose: the
 * single-file executable has to bundle each one.
 */
export const PROBES: readonly Probe[] = registerAll([cpuProbe, memProbe, diskProbe, netProbe, linkProbe, wifiProbe, pingProbe, dnsProbe, httpProbe, tcpProbe, systemProbe, smartProbe, batteryProbe, temperatureProbe, rebootProbe, processProbe, serviceProbe, backupProbe] as Probe[]);

function registerAll(probes: Probe[]): readonly Probe[] {
  const names = new Set<string>();
  for (const p of probes) {
    if (names.has(p.name)) throw new Error(`probe "${p.name}" is registered twice`);
    names.add(p.name);
  }
  return Object.freeze(probes);
}

export type { Probe, ProbeContext } from './types.js';
