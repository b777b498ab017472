import { z } from 'zod';
import { appsCheck } from './apps.js';
import { backupCheck } from './backup.js';
import { batteryCheck } from './battery.js';
import { cpuCheck } from './cpu.js';
import { diskHealthCheck } from './disk-health.js';
import { diskCheck } from './disk.js';
import { dnsCheck } from './dns.js';
import { gatewayCheck } from './gateway.js';
import { linkCheck } from './link.js';
import { memoryCheck } from './memory.js';
import { pendingRebootCheck } from './pending-reboot.js';
import { processesCheck } from './processes.js';
import { servicesCheck } from './services.js';
import { softwareCheck } from './software.js';
import { temperatureCheck } from './temperature.js';
import type { CheckKind } from './types.js';
import { uptimeCheck } from './uptime.js';
import { wifiCheck } from './wifi.js';

/** Every kind of check a policy may use, under its key in `checks:`, in the order a technician looks. */
export const CHECK_KINDS: readonly CheckKind[] = register([
  // hardware
  diskCheck,
  diskHealthCheck,
  memoryCheck,
  cpuCheck,
  batteryCheck,
  temperatureCheck,
  uptimeCheck,
  pendingRebootCheck,
  // network path
  linkCheck,
  wifiCheck,
  gatewayCheck,
  dnsCheck,
  appsCheck,
  // applications and software
  processesCheck,
  servicesCheck,
  softwareCheck,
  // data safety
  backupCheck,
] as CheckKind[]);

function register(kinds: CheckKind[]): readonly CheckKind[] {
  const keys = new Set<string>();
  for (const k of kinds) {
    if (keys.has(k.key)) throw new Error(`check kind "${k.key}" is registered twice`);
    keys.add(k.key);
  }
  return Object.freeze(kinds);
}

/** `checks:` of one policy: each known kind optional, unknown keys refused by name. */
export const checksSchema = z
  .object(Object.fromEntries(CHECK_KINDS.map((k) => [k.key, (k.schema as z.ZodType).optional()])) as Record<string, z.ZodOptional<z.ZodType>>)
  .strict();

export function checkKind(key: string): CheckKind | undefined {
  return CHECK_KINDS.find((k) => k.key === key);
}

export type { CheckKind, CompiledCheck, InventoryRule } from './types.js';
