import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseNetstatRn, parseRouteGet } from './default-route.darwin.js';
import { parseProcNetRoute } from './default-route.linux.js';
import { interfaceWithAddress, parseRoutePrint, toDefaultRoute } from './default-route.win32.js';
import type { ProbeContext } from './types.js';

/** Where traffic to the rest of the world leaves this machine. */
export interface DefaultRoute {
  /** Interface name as the OS (and the `net` probe) calls it. */
  interface?: string;
  /** IPv4 address of the next hop; absent for point-to-point default routes. */
  gateway?: string;
  /** The local address of the route (Windows states it; elsewhere it comes from the interface). */
  interfaceAddress?: string;
}

/**
 * Reads the IPv4 default route the cheap way on every OS: a file on Linux, one short command on
 * macOS and Windows. `undefined` means there is none (cable out, Wi-Fi off, no DHCP lease).
 */
export async function readDefaultRoute(ctx: Pick<ProbeContext, 'platform' | 'run' | 'signal'>, procRoot = '/proc'): Promise<DefaultRoute | undefined> {
  switch (ctx.platform) {
    case 'linux':
      // A kernel file: read synchronously (see kernel-files.ts); a missing one is an error here.
      return parseProcNetRoute(readFileSync(`${procRoot}/net/route`, 'utf8'));
    case 'darwin': {
      const got = await ctx.run('/sbin/route', ['-n', 'get', 'default'], { signal: ctx.signal });
      const route = got.code === 0 ? parseRouteGet(got.stdout.toString('utf8')) : undefined;
      if (route || got.code === 0) return route;
      const table = await ctx.run('/usr/sbin/netstat', ['-rn', '-f', 'inet'], { signal: ctx.signal });
      return table.code === 0 ? parseNetstatRn(table.stdout.toString('utf8')) : undefined;
    }
    case 'win32': {
      const got = await ctx.run('route.exe', ['print', '-4'], { signal: ctx.signal });
      if (got.code !== 0) throw new Error(`route print exited with ${got.code}: ${got.stderr.trim().slice(0, 200)}`);
      const best = parseRoutePrint(got.stdout.toString('latin1'))[0];
      return best ? toDefaultRoute(best, interfaceWithAddress(best.interfaceAddress, os.networkInterfaces())) : undefined;
    }
    default:
      throw new Error(`default route: unsupported platform ${ctx.platform}`);
  }
}
