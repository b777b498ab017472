import { darwinWirelessDevices } from './link.darwin.js';
import type { ProbeContext } from './types.js';
import type { WifiReading } from './wifi.js';

type Reading = Omit<WifiReading, 'interface'>;

export const AIRPORT = '/System/Library/PrivateFrameworks/Apple80211.framework/Versions/Current/Resources/airport';

/** macOS hides SSID and BSSID from processes without location permission: "<redacted>". */
const known = (value: string | undefined): string | undefined => (value && !/^<redacted>$|^none$/i.test(value) ? value : undefined);

const firstInt = (text: string | undefined): number | undefined => {
  const m = /(-?\d+)/.exec(text ?? '');
  return m ? Number(m[1]) : undefined;
};

function keyValues(lines: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of lines) {
    const m = /^\s*([^:]+?)\s*:\s?(.*)$/.exec(line);
    if (m && !values.has(m[1]!)) values.set(m[1]!, m[2]!.trim());
  }
  return values;
}

/**
 * `airport -I` (macOS up to 14.3): agrCtlRSSI, lastTxRate, BSSID, SSID, channel "48,80".
 * `undefined` when the tool only prints its deprecation notice (macOS 14.4+ removed it).
 */
export function parseAirportInfo(text: string): Reading | undefined {
  if (/AirPort:\s*Off/i.test(text)) return { connected: false };
  const v = keyValues(text.split('\n'));
  if (!v.has('agrCtlRSSI') && !v.has('state')) return undefined;
  const bssid = known(v.get('BSSID'));
  const ssid = known(v.get('SSID'));
  const rssi = firstInt(v.get('agrCtlRSSI'));
  const connected = v.get('state') === 'running' && (bssid !== undefined || ssid !== undefined || (rssi ?? 0) < 0);
  if (!connected) return { connected: false };
  const reading: Reading = { connected: true };
  if (ssid) reading.ssid = ssid;
  if (bssid) reading.bssid = bssid.toLowerCase();
  if (rssi !== undefined && rssi < 0) reading.rssiDbm = rssi;
  const tx = firstInt(v.get('lastTxRate'));
  if (tx !== undefined) reading.txRateMbps = tx;
  const channel = firstInt(v.get('channel'));
  if (channel) reading.channel = channel;
  return reading;
}

/** The WIFI section of `wdutil info` (root only): Interface Name, SSID, BSSID, RSSI, Tx Rate, Channel "5g44/40". */
export function parseWdutilInfo(text: string): WifiReading | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === 'WIFI');
  if (start < 0) return undefined;
  const section: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^[A-Z0-9 ]+$/.test(line.trim()) && line.trim() !== '') break;
    if (!/^[—-]+$/.test(line.trim())) section.push(line);
  }
  const v = keyValues(section);
  const iface = v.get('Interface Name');
  if (!iface) return undefined;
  const rssi = firstInt(v.get('RSSI'));
  const ssid = known(v.get('SSID'));
  const bssid = known(v.get('BSSID'));
  if (rssi === undefined || rssi >= 0) return { interface: iface, connected: false };
  const reading: WifiReading = { interface: iface, connected: true, rssiDbm: rssi };
  if (ssid) reading.ssid = ssid;
  if (bssid) reading.bssid = bssid.toLowerCase();
  const tx = /([\d.]+)\s*Mbps/i.exec(v.get('Tx Rate') ?? '');
  if (tx) reading.txRateMbps = Number(tx[1]);
  const channel = /^\d?g?(\d+)/.exec(v.get('Channel') ?? '');
  if (channel) reading.channel = Number(channel[1]);
  return reading;
}

interface SpInterface {
  _name?: string;
  spairport_status_information?: string;
  spairport_current_network_information?: {
    _name?: string;
    spairport_network_channel?: string | number;
    spairport_network_rate?: number;
    spairport_signal_noise?: string;
  };
}

/** `system_profiler -json SPAirPortDataType`: the Wi-Fi interfaces with a status (not awdl0). */
export function parseSystemProfilerAirport(json: string): WifiReading[] {
  const doc = JSON.parse(json) as { SPAirPortDataType?: Array<{ spairport_airport_interfaces?: SpInterface[] }> };
  const readings: WifiReading[] = [];
  for (const section of doc.SPAirPortDataType ?? []) {
    for (const i of section.spairport_airport_interfaces ?? []) {
      if (!i._name || !i.spairport_status_information) continue;
      const net = i.spairport_current_network_information;
      if (i.spairport_status_information !== 'spairport_status_connected' || !net) {
        readings.push({ interface: i._name, connected: false });
        continue;
      }
      const reading: WifiReading = { interface: i._name, connected: true };
      const ssid = known(net._name);
      if (ssid) reading.ssid = ssid;
      const channel = firstInt(String(net.spairport_network_channel ?? ''));
      if (channel) reading.channel = channel;
      if (typeof net.spairport_network_rate === 'number') reading.txRateMbps = net.spairport_network_rate;
      const rssi = firstInt(net.spairport_signal_noise);
      if (rssi !== undefined && rssi < 0) reading.rssiDbm = rssi;
      readings.push(reading);
    }
  }
  return readings;
}

type Method = 'airport' | 'wdutil' | 'system_profiler';

/** system_profiler takes seconds; when it is the only source, it is asked at most this often. */
const PROFILER_MIN_INTERVAL_MS = 60_000;

async function read(ctx: ProbeContext, method: Method): Promise<WifiReading[] | undefined> {
  const opts = { signal: ctx.signal };
  if (method === 'airport') {
    const r = await ctx.run(AIRPORT, ['-I'], opts);
    const reading = r.code === 0 ? parseAirportInfo(r.stdout.toString('utf8')) : undefined;
    if (!reading) return undefined;
    const iface = (await darwinWirelessDevices(ctx))[0] ?? 'en0';
    return [{ interface: iface, ...reading }];
  }
  if (method === 'wdutil') {
    const r = await ctx.run('/usr/bin/wdutil', ['info'], opts);
    const reading = r.code === 0 ? parseWdutilInfo(r.stdout.toString('utf8')) : undefined;
    return reading ? [reading] : undefined;
  }
  const held = ctx.memo.get('profiler') as { at: number; readings: WifiReading[] } | undefined;
  if (held && ctx.now() - held.at < PROFILER_MIN_INTERVAL_MS) return held.readings;
  const r = await ctx.run('/usr/sbin/system_profiler', ['-json', 'SPAirPortDataType'], opts);
  if (r.code !== 0) return undefined;
  const readings = parseSystemProfilerAirport(r.stdout.toString('utf8'));
  ctx.memo.set('profiler', { at: ctx.now(), readings });
  return readings;
}

/**
 * Wi-Fi on macOS: `airport -I` where it still exists, else `wdutil info` (needs root, as the
 * agent's service runs), else `system_profiler` (slow, so at most once a minute). The source that
 * worked is remembered.
 */
export async function collectDarwinWifi(ctx: ProbeContext): Promise<WifiReading[]> {
  const remembered = ctx.memo.get('method') as Method | undefined;
  const order: Method[] = ['airport', 'wdutil', 'system_profiler'];
  for (const method of remembered ? [remembered, ...order.filter((m) => m !== remembered)] : order) {
    const readings = await read(ctx, method);
    if (readings) {
      ctx.memo.set('method', method);
      return readings;
    }
  }
  if ((await darwinWirelessDevices(ctx)).length === 0) return [];
  throw new Error('Wi-Fi state unreadable: airport is gone, wdutil needs root and system_profiler failed');
}
