import type { WifiReading } from './wifi.js';

const MAC = /^(?:[0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i;
const INTEGER = /^\d+$/;
const RATE = /^\d+(?:[.,]\d+)?$/;
const PERCENT = /^(\d+)\s*%$/;

export const normalizeMac = (mac: string): string => mac.toLowerCase().replace(/-/g, ':');

interface Entry {
  label: string;
  value: string;
}

/** Indented "label : value" lines grouped into blocks; headings and blank lines separate blocks. */
function blocks(text: string): Entry[][] {
  const out: Entry[][] = [];
  let current: Entry[] = [];
  for (const line of text.split(/\r?\n/)) {
    // Labels never contain ':'; values may (MAC addresses), so split at the first one.
    const match = /^\s+([^:]+?)\s*:\s?(.*)$/.exec(line);
    if (match) {
      current.push({ label: match[1]!, value: match[2]!.trim() });
      continue;
    }
    if (current.length > 0) out.push(current);
    current = [];
  }
  if (current.length > 0) out.push(current);
  return out;
}

export interface NetshInterface extends WifiReading {
  /** The adapter's own MAC address (to match it with other views of the same adapter). */
  mac?: string;
}

/**
 * `netsh wlan show interfaces`, in any display language. Labels are translated (and even the
 * BSSID label is a sentence in French), so values are picked by shape and position:
 * the first value of a block is the interface name, a block with a MAC address is an interface
 * (the hosted-network block has none), the first MAC is the adapter, the second the access point (BSSID) with the SSID on the line before it;
 * after the BSSID come the channel (integer), the receive and transmit rates, a percentage
 * (signal) and, on recent builds, a negative integer (RSSI). Without a BSSID it is not connected.
 */
export function parseNetshWlanInterfaces(text: string): NetshInterface[] {
  const result: NetshInterface[] = [];
  for (const block of blocks(text)) {
    if (!block.some((e) => MAC.test(e.value))) continue;
    const name = block[0]!.value;
    const macs = block.map((e, i) => ({ i, mac: e.value })).filter((m) => MAC.test(m.mac));
    const reading: NetshInterface = { interface: name, connected: false };
    if (macs[0]) reading.mac = normalizeMac(macs[0].mac);
    const ap = macs[1];
    if (ap) {
      reading.connected = true;
      reading.bssid = normalizeMac(ap.mac);
      const ssid = block[ap.i - 1]?.value;
      if (ssid && ap.i - 1 !== macs[0]?.i) reading.ssid = ssid;
      const after = block.slice(ap.i + 1);
      const channelAt = after.findIndex((e) => INTEGER.test(e.value));
      if (channelAt >= 0) {
        reading.channel = Number(after[channelAt]!.value);
        const rates = after.slice(channelAt + 1).filter((e) => RATE.test(e.value)).slice(0, 2);
        const [rx, tx] = rates.map((e) => Number(e.value.replace(',', '.')));
        if (rx !== undefined) reading.rxRateMbps = rx;
        if (tx !== undefined) reading.txRateMbps = tx;
      }
      const signal = after.map((e) => PERCENT.exec(e.value)).find((m) => m);
      if (signal) reading.signalPercent = Number(signal[1]);
      const rssi = after.find((e) => /^-\d{1,3}$/.test(e.value));
      if (rssi) reading.rssiDbm = Number(rssi.value);
    }
    result.push(reading);
  }
  return result;
}
