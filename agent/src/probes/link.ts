import type { Metric } from '@siaga/shared';
import os from 'node:os';
import { flag, probeConfig } from './base.js';
import { decodeConsole, windowsCodePage } from './console-text.js';
import { type DefaultRoute, readDefaultRoute } from './default-route.js';
import { darwinWirelessDevices, parseIfconfig } from './link.darwin.js';
import { linuxLinkFacts } from './link.linux.js';
import { adapterName, parseIpconfigAll } from './link.win32.js';
import { SLOW_REFRESH_MS, slowFact } from './slow-facts.js';
import type { Probe, ProbeContext } from './types.js';
import { parseNetshWlanInterfaces } from './wifi.win32.js';

export interface LinkFacts {
  up: boolean;
  speedMbps?: number;
  wireless: boolean;
  ipv4?: string;
}

const configSchema = probeConfig(true, 5_000, {});

/** The first IPv4 address of an interface, from Node (no process spawned). */
function ipv4Of(name: string): string | undefined {
  return os.networkInterfaces()[name]?.find((i) => i.family === 'IPv4' && !i.internal)?.address;
}

async function darwinFacts(ctx: ProbeContext, iface: string): Promise<LinkFacts> {
  const wireless = await darwinWirelessDevices(ctx);
  const r = await ctx.run('/sbin/ifconfig', [iface], { signal: ctx.signal });
  if (r.code !== 0) return { up: false, wireless: wireless.includes(iface) };
  return { ...parseIfconfig(r.stdout.toString('utf8')), wireless: wireless.includes(iface) };
}

interface WindowsSlow {
  adapters: ReturnType<typeof parseIpconfigAll>;
  wlanMacs: string[];
}

async function windowsFacts(ctx: ProbeContext, route: DefaultRoute | undefined, known: string | undefined): Promise<{ name?: string; facts: LinkFacts }> {
  const slow = await slowFact<WindowsSlow>(ctx, 'windows', route?.interfaceAddress ?? known ?? '', SLOW_REFRESH_MS, async () => {
    const codePage = await windowsCodePage(ctx.run);
    const [ipconfig, wlan] = await Promise.all([
      ctx.run('ipconfig.exe', ['/all'], { signal: ctx.signal }),
      ctx.run('netsh.exe', ['wlan', 'show', 'interfaces'], { signal: ctx.signal }),
    ]);
    return {
      adapters: ipconfig.code === 0 ? parseIpconfigAll(decodeConsole(ipconfig.stdout, codePage)) : [],
      // No WLAN service or no Wi-Fi adapter: netsh fails or lists nothing; both mean "not wireless".
      wlanMacs: wlan.code === 0 ? parseNetshWlanInterfaces(decodeConsole(wlan.stdout, codePage)).flatMap((w) => (w.mac ? [w.mac] : [])) : [],
    };
  });
  const nics = os.networkInterfaces();
  const adapter = route?.interfaceAddress ? slow.adapters.find((a) => a.ipv4.includes(route.interfaceAddress as string)) : undefined;
  const name = known ?? (adapter ? adapterName(adapter.heading, Object.keys(nics)) : undefined);
  const infos = name ? nics[name] : undefined;
  const mac = infos?.[0]?.mac ?? adapter?.mac;
  // Windows lists only operational adapters; one holding the default route is up by definition.
  const up = route !== undefined || (infos?.some((i) => !i.internal) ?? false);
  const ipv4 = name ? ipv4Of(name) : undefined;
  return { ...(name ? { name } : {}), facts: { up, wireless: mac !== undefined && slow.wlanMacs.includes(mac.toLowerCase()), ...(ipv4 ? { ipv4 } : {}) } };
}

/**
 * The active link: the interface holding the default route, whether it is up, how fast, whether
 * it is Wi-Fi, and its address. When the default route disappears (cable out), the interface
 * that last held it is reported with `default_route` 0, so the reason stays visible.
 */
export const linkProbe: Probe<typeof configSchema._output> = {
  name: 'link',
  description: 'The interface holding the default route: state, speed, Wi-Fi or wired, address',
  measurements: ['link'],
  defaultEnabled: true,
  configSchema,
  async collect(ctx) {
    const route = await readDefaultRoute(ctx);
    let iface = route?.interface ?? (ctx.memo.get('lastInterface') as string | undefined);
    let facts: LinkFacts;
    if (ctx.platform === 'linux' && iface) {
      const ipv4 = ipv4Of(iface);
      facts = { ...(await linuxLinkFacts(iface)), ...(ipv4 ? { ipv4 } : {}) };
    } else if (ctx.platform === 'darwin' && iface) {
      const f = await darwinFacts(ctx, iface);
      const ipv4 = f.ipv4 ?? ipv4Of(iface);
      facts = { ...f, ...(ipv4 ? { ipv4 } : {}) };
    } else if (ctx.platform === 'win32' && (iface || route)) {
      const found = await windowsFacts(ctx, route, iface);
      iface = found.name;
      facts = found.facts;
    } else {
      return [];
    }
    if (!iface) return [];
    if (route) ctx.memo.set('lastInterface', iface);
    const fields: Metric['fields'] = { up: flag(facts.up), default_route: flag(route !== undefined), wireless: flag(facts.wireless) };
    if (facts.speedMbps !== undefined) fields.speed_mbps = facts.speedMbps;
    if (facts.ipv4) fields.ipv4 = facts.ipv4;
    if (route?.gateway) fields.gateway = route.gateway;
    return [{ m: 'link', tags: { interface: iface }, fields }];
  },
};
