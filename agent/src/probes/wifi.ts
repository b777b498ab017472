import type { Metric } from '@siaga/shared';
import { flag, probeConfig } from './base.js';
import { cleanText, decodeConsole, windowsCodePage } from './console-text.js';
import type { Probe, ProbeContext } from './types.js';
import { collectDarwinWifi } from './wifi.darwin.js';
import { collectLinuxWifi } from './wifi.linux.js';
import { parseNetshWlanInterfaces } from './wifi.win32.js';

/** One wireless interface as the OS reports it; absent values were not reported. */
export interface WifiReading {
  interface: string;
  connected: boolean;
  ssid?: string;
  bssid?: string;
  channel?: number;
  signalPercent?: number;
  rssiDbm?: number;
  rxRateMbps?: number;
  txRateMbps?: number;
}

/** The usual mapping (Windows' own): -100 dBm or less is 0 %, -50 dBm or more is 100 %. */
export const percentFromDbm = (dbm: number): number => Math.max(0, Math.min(100, 2 * (dbm + 100)));

export function wifiMetric(r: WifiReading): Metric {
  const fields: Metric['fields'] = { connected: flag(r.connected) };
  if (r.connected) {
    const percent = r.signalPercent ?? (r.rssiDbm !== undefined ? percentFromDbm(r.rssiDbm) : undefined);
    if (percent !== undefined) fields.signal_percent = percent;
    if (r.rssiDbm !== undefined) fields.rssi_dbm = r.rssiDbm;
    if (r.rxRateMbps !== undefined) fields.rx_rate_mbps = r.rxRateMbps;
    if (r.txRateMbps !== undefined) fields.tx_rate_mbps = r.txRateMbps;
    if (r.channel !== undefined) fields.channel = r.channel;
    if (r.ssid) fields.ssid = cleanText(r.ssid);
    if (r.bssid) fields.bssid = r.bssid;
  }
  return { m: 'wifi', tags: { interface: cleanText(r.interface, 128) || 'wifi' }, fields };
}

async function collectWindowsWifi(ctx: ProbeContext): Promise<WifiReading[]> {
  const r = await ctx.run('netsh.exe', ['wlan', 'show', 'interfaces'], { signal: ctx.signal });
  // A failing netsh here means the WLAN service is not running: no Wi-Fi on this machine.
  if (r.code !== 0) return [];
  return parseNetshWlanInterfaces(decodeConsole(r.stdout, await windowsCodePage(ctx.run)));
}

const configSchema = probeConfig(true, 10_000, {});

/**
 * Wi-Fi association and signal: SSID, BSSID, channel, signal (percent and dBm where the OS
 * says), link rates. A machine without Wi-Fi reports nothing and succeeds.
 */
export const wifiProbe: Probe<typeof configSchema._output> = {
  name: 'wifi',
  description: 'Wi-Fi association, signal strength, channel and rates',
  measurements: ['wifi'],
  // Every run starts iw, nmcli, netsh or wdutil.
  minWatchIntervalMs: 5_000,
  defaultEnabled: true,
  configSchema,
  async collect(ctx) {
    let readings: WifiReading[];
    if (ctx.platform === 'linux') readings = await collectLinuxWifi(ctx);
    else if (ctx.platform === 'darwin') readings = await collectDarwinWifi(ctx);
    else if (ctx.platform === 'win32') readings = await collectWindowsWifi(ctx);
    else return [];
    return readings.map(wifiMetric);
  },
};
