import { kernelFileExists, listKernelDir } from './kernel-files.js';
import type { ProbeContext } from './types.js';
import type { WifiReading } from './wifi.js';

/** 802.11 channel number of a centre frequency in MHz (2.4, 5 and 6 GHz bands). */
export function channelFromMHz(mhz: number): number | undefined {
  if (mhz === 2484) return 14;
  if (mhz >= 2412 && mhz < 2484) return Math.round((mhz - 2407) / 5);
  if (mhz >= 5150 && mhz <= 5895) return Math.round((mhz - 5000) / 5);
  if (mhz >= 5955 && mhz <= 7115) return Math.round((mhz - 5950) / 5);
  return undefined;
}

/** iw prints SSID bytes outside printable ASCII as \xNN; turn them back into UTF-8 text. */
function unescapeIw(text: string): string {
  if (!text.includes('\\x')) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = /^\\x([0-9a-f]{2})/i.exec(text.slice(i, i + 4));
    if (hex) {
      bytes.push(Number.parseInt(hex[1]!, 16));
      i += 3;
    } else {
      bytes.push(...Buffer.from(text[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

const rate = (text: string | undefined): number | undefined => {
  const m = /^([\d.]+)\s*MBit\/s/i.exec(text ?? '');
  return m ? Number(m[1]) : undefined;
};

/** `iw dev <if> link`: "Connected to <bssid> (on <if>)" with SSID, freq, signal and bitrates; or "Not connected." */
export function parseIwLink(text: string, iface: string): WifiReading {
  const head = /^Connected to ([0-9a-f:]{17})(?: \(on (\S+)\))?/im.exec(text);
  if (!head) return { interface: iface, connected: false };
  const values = new Map<string, string>();
  for (const line of text.split('\n').slice(1)) {
    const m = /^\s+([a-zA-Z ]+):\s*(.*)$/.exec(line);
    if (m) values.set(m[1]!.trim().toLowerCase(), m[2]!.trim());
  }
  const reading: WifiReading = { interface: head[2] ?? iface, connected: true, bssid: head[1]!.toLowerCase() };
  const ssid = values.get('ssid');
  if (ssid) reading.ssid = unescapeIw(ssid);
  const channel = channelFromMHz(Number(values.get('freq')));
  if (channel) reading.channel = channel;
  const signal = /^(-?\d+)\s*dBm/.exec(values.get('signal') ?? '');
  if (signal) reading.rssiDbm = Number(signal[1]);
  const rx = rate(values.get('rx bitrate'));
  if (rx !== undefined) reading.rxRateMbps = rx;
  const tx = rate(values.get('tx bitrate'));
  if (tx !== undefined) reading.txRateMbps = tx;
  return reading;
}

export interface NmcliDevice {
  device: string;
  type: string;
  /** NetworkManager's device state number: 100 is connected. */
  state: number;
  connection?: string;
  ipv4?: string;
  gateway?: string;
}

/** `nmcli device show` (the human form: "GENERAL.DEVICE:   ens33", blocks separated by blank lines). */
export function parseNmcliDeviceShow(text: string): NmcliDevice[] {
  const devices: NmcliDevice[] = [];
  for (const chunk of text.split(/\n\s*\n/)) {
    const v = new Map<string, string>();
    for (const line of chunk.split('\n')) {
      const m = /^([A-Z0-9-]+\.[A-Z0-9-]+(?:\[\d+\])?):\s*(.*)$/.exec(line.trim());
      if (m) v.set(m[1]!, m[2]!.trim());
    }
    const device = v.get('GENERAL.DEVICE');
    if (!device) continue;
    const present = (key: string) => {
      const value = v.get(key);
      return value && value !== '--' ? value : undefined;
    };
    const d: NmcliDevice = { device, type: v.get('GENERAL.TYPE') ?? '', state: Number.parseInt(v.get('GENERAL.STATE') ?? '0', 10) };
    const connection = present('GENERAL.CONNECTION');
    if (connection) d.connection = connection;
    const ipv4 = present('IP4.ADDRESS[1]')?.split('/')[0];
    if (ipv4) d.ipv4 = ipv4;
    const gateway = present('IP4.GATEWAY');
    if (gateway) d.gateway = gateway;
    devices.push(d);
  }
  return devices;
}

/** Splits an `nmcli -t` line at unescaped colons and removes the escapes ("AA\:BB" → "AA:BB"). */
export function splitTerse(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) current += line[++i];
    else if (c === ':') {
      fields.push(current);
      current = '';
    } else current += c;
  }
  fields.push(current);
  return fields;
}

/**
 * The access point in use from `nmcli -t -f IN-USE,BSSID,SSID,CHAN,SIGNAL device wifi list ifname <if>`
 * (RATE there is the access point's maximum, not the link's rate, so it is not asked for).
 */
export function parseNmcliWifiList(text: string, iface: string): WifiReading {
  for (const line of text.split('\n')) {
    const [inUse, bssid, ssid, chan, signal] = splitTerse(line.trim());
    if (inUse !== '*') continue;
    const reading: WifiReading = { interface: iface, connected: true };
    if (bssid) reading.bssid = bssid.toLowerCase();
    if (ssid) reading.ssid = ssid;
    if (chan && /^\d+$/.test(chan)) reading.channel = Number(chan);
    if (signal && /^\d+$/.test(signal)) reading.signalPercent = Number(signal);
    return reading;
  }
  return { interface: iface, connected: false };
}

/** Interfaces with a wireless extension in sysfs (cheap: a directory listing). */
function wirelessInterfaces(sysRoot: string): string[] {
  return listKernelDir(`${sysRoot}/class/net`).filter((n) => kernelFileExists(`${sysRoot}/class/net/${n}/wireless`));
}

/**
 * Wi-Fi on Linux: `iw dev <if> link` for every wireless interface; where iw is not installed,
 * NetworkManager's `nmcli` (device list, then the access point in use).
 */
export async function collectLinuxWifi(ctx: ProbeContext, sysRoot = '/sys'): Promise<WifiReading[]> {
  const interfaces = wirelessInterfaces(sysRoot);
  if (interfaces.length === 0) return [];
  const readings: WifiReading[] = [];
  for (const iface of interfaces) {
    const iw = await ctx.run('iw', ['dev', iface, 'link'], { signal: ctx.signal });
    if (iw.code === 0) {
      readings.push(parseIwLink(iw.stdout.toString('utf8'), iface));
      continue;
    }
    // iw fails on an interface that is switched off ("Network is down"): not connected.
    readings.push(iw.code === 127 ? await nmcliReading(ctx, iface) : { interface: iface, connected: false });
  }
  return readings;
}

async function nmcliReading(ctx: ProbeContext, iface: string): Promise<WifiReading> {
  const show = await ctx.run('nmcli', ['device', 'show', iface], { signal: ctx.signal });
  if (show.code === 127) throw new Error('neither iw nor nmcli is installed: cannot read Wi-Fi state');
  const device = parseNmcliDeviceShow(show.stdout.toString('utf8'))[0];
  if (!device || device.state !== 100) return { interface: iface, connected: false };
  const list = await ctx.run('nmcli', ['-t', '-f', 'IN-USE,BSSID,SSID,CHAN,SIGNAL', 'device', 'wifi', 'list', 'ifname', iface, '--rescan', 'no'], { signal: ctx.signal });
  const reading = parseNmcliWifiList(list.stdout.toString('utf8'), iface);
  if (!reading.ssid && device.connection) reading.ssid = device.connection;
  return { ...reading, connected: true };
}
