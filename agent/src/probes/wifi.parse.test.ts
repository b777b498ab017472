import { describe, expect, it } from 'vitest';
import { fixtureText, HAVE_FIXTURES } from '../testing/fixtures.testutil.js';
import { percentFromDbm, wifiMetric } from './wifi.js';
import { parseAirportInfo, parseSystemProfilerAirport, parseWdutilInfo } from './wifi.darwin.js';
import { channelFromMHz, parseIwLink, parseNmcliDeviceShow, parseNmcliWifiList, splitTerse } from './wifi.linux.js';
import { parseNetshWlanInterfaces } from './wifi.win32.js';

describe.skipIf(!HAVE_FIXTURES)('Wi-Fi parsers, golden over the recorded fixtures', () => {
  const adapter = 'fe:dc:ba:09:87:01';
  const bssid = 'fe:dc:ba:09:87:02';
  it.each([
    ['en', { interface: 'Wi-Fi', channel: 44, rxRateMbps: 103, txRateMbps: 103, signalPercent: 42 }],
    ['de', { interface: 'WLAN', channel: 116, rxRateMbps: 300, txRateMbps: 300, signalPercent: 43 }],
    ['es', { interface: 'Wi-Fi', channel: 11, rxRateMbps: 69, txRateMbps: 206, signalPercent: 81 }],
    ['fr', { interface: 'Wi-Fi', channel: 11, rxRateMbps: 103, txRateMbps: 206, signalPercent: 80 }],
    ['it', { interface: 'Wi-Fi', channel: 4, rxRateMbps: 130, txRateMbps: 130, signalPercent: 85 }],
  ])('netsh wlan show interfaces (%s) by structure, not by words', (lang, expected) => {
    const parsed = parseNetshWlanInterfaces(fixtureText(`windows/netsh-wlan-show-interfaces-${lang}.txt`));
    expect(parsed).toEqual([{ ...expected, connected: true, ssid: 'SSID-1', bssid, mac: adapter }]);
  });

  it('iw dev <if> link: BSSID, SSID, channel from the frequency, RSSI, tx rate', () => {
    expect(parseIwLink(fixtureText('linux/iw-dev-link-connected.txt'), 'wlan0')).toEqual({
      interface: 'wlp1s0',
      connected: true,
      bssid: 'fe:dc:ba:98:76:02',
      ssid: 'SSID-1',
      channel: 1,
      rssiDbm: -51,
      txRateMbps: 26,
    });
  });

  it('nmcli device show: devices, their type, state and addresses (no Wi-Fi device here)', () => {
    const devices = parseNmcliDeviceShow(fixtureText('linux/nmcli-device-show.txt'));
    expect(devices).toEqual([
      { device: 'ens33', type: 'ethernet', state: 100, connection: 'ens33', ipv4: '192.168.71.180', gateway: '192.168.71.2' },
      { device: 'docker0', type: 'bridge', state: 10, ipv4: '172.17.0.1' },
      { device: 'lo', type: 'loopback', state: 10, ipv4: '127.0.0.1' },
    ]);
    expect(devices.filter((d) => d.type === 'wifi')).toEqual([]);
  });

  it('airport -I (macOS up to 14.3)', () => {
    expect(parseAirportInfo(fixtureText('macos/airport-I.txt'))).toEqual({
      connected: true,
      ssid: 'FAKE-SSID',
      bssid: '00:00:5e:00:53:01',
      rssiDbm: -66,
      txRateMbps: 195,
      channel: 48,
    });
  });

  it('wdutil info (macOS 15): the WIFI section, redacted SSID/BSSID left out', () => {
    expect(parseWdutilInfo(fixtureText('macos/wdutil-info-macos15-5GHz.txt'))).toEqual({
      interface: 'en0',
      connected: true,
      rssiDbm: -79,
      txRateMbps: 103,
      channel: 44,
    });
  });

  it('system_profiler -json SPAirPortDataType (macOS 15.5): the current network of en0, not awdl0', () => {
    expect(parseSystemProfilerAirport(fixtureText('macos/system_profiler-SPAirPortDataType-json-15.5.json'))).toEqual([
      { interface: 'en0', connected: true, ssid: 'SSID-7', channel: 6, txRateMbps: 144, rssiDbm: -58 },
    ]);
  });
});

describe('Wi-Fi parsers, other states', () => {
  it('netsh: a disconnected adapter has no BSSID; the hosted-network block is not an interface', () => {
    const text = [
      'There is 1 interface on the system:',
      '',
      '    Name                   : Wi-Fi',
      '    Description            : Intel(R) Wi-Fi 6 AX201 160MHz',
      '    GUID                   : 7825d47a-5d59-4c93-8d91-2b0e1b5f6c4b',
      '    Physical address       : fe:dc:ba:09:87:01',
      '    State                  : disconnected',
      '    Radio status           : Hardware On',
      '                             Software On',
      '',
      '    Hosted network status  : Not available',
    ].join('\r\n');
    expect(parseNetshWlanInterfaces(text)).toEqual([{ interface: 'Wi-Fi', connected: false, mac: 'fe:dc:ba:09:87:01' }]);
  });

  it('netsh on Windows 11 24H2: decimal rates and an Rssi line', () => {
    const text = [
      '    Name                   : Wi-Fi',
      '    GUID                   : 7825d47a-5d59-4c93-8d91-2b0e1b5f6c4b',
      '    Physical address       : aa:bb:cc:dd:ee:01',
      '    State                  : connected',
      '    SSID                   : Office',
      '    AP BSSID               : aa:bb:cc:dd:ee:02',
      '    Band                   : 5 GHz',
      '    Channel                : 36',
      '    Receive rate (Mbps)    : 866.7',
      '    Transmit rate (Mbps)   : 720',
      '    Signal                 : 99%',
      '    Rssi                   : -41',
    ].join('\r\n');
    expect(parseNetshWlanInterfaces(text)).toEqual([
      { interface: 'Wi-Fi', connected: true, mac: 'aa:bb:cc:dd:ee:01', ssid: 'Office', bssid: 'aa:bb:cc:dd:ee:02', channel: 36, rxRateMbps: 866.7, txRateMbps: 720, signalPercent: 99, rssiDbm: -41 },
    ]);
  });

  it('iw: not connected, and SSID bytes escaped as \\xNN', () => {
    expect(parseIwLink('Not connected.\n', 'wlan0')).toEqual({ interface: 'wlan0', connected: false });
    const text = 'Connected to aa:bb:cc:dd:ee:ff (on wlan0)\n\tSSID: Caf\\xc3\\xa9\n\tfreq: 5180\n\tsignal: -60 dBm\n\trx bitrate: 390.0 MBit/s VHT-MCS 4 80MHz\n';
    expect(parseIwLink(text, 'wlan0')).toMatchObject({ ssid: 'Café', channel: 36, rxRateMbps: 390, rssiDbm: -60 });
  });

  it('channels from frequencies in the three bands', () => {
    expect([2412, 2437, 2484, 5180, 5825, 5955, 6115, 900].map(channelFromMHz)).toEqual([1, 6, 14, 36, 165, 1, 33, undefined]);
  });

  it('nmcli terse output: escaped colons, the access point in use', () => {
    expect(splitTerse('*:AA\\:BB\\:CC\\:DD\\:EE\\:FF:My\\\\Net:6:72')).toEqual(['*', 'AA:BB:CC:DD:EE:FF', 'My\\Net', '6', '72']);
    const list = ' :11\\:22\\:33\\:44\\:55\\:66:Other:1:30\n*:AA\\:BB\\:CC\\:DD\\:EE\\:FF:Office:36:72\n';
    expect(parseNmcliWifiList(list, 'wlp2s0')).toEqual({ interface: 'wlp2s0', connected: true, bssid: 'aa:bb:cc:dd:ee:ff', ssid: 'Office', channel: 36, signalPercent: 72 });
    expect(parseNmcliWifiList('', 'wlp2s0')).toEqual({ interface: 'wlp2s0', connected: false });
  });

  it('airport: off, or only the deprecation notice of macOS 14.4+', () => {
    expect(parseAirportInfo('AirPort: Off\n')).toEqual({ connected: false });
    expect(parseAirportInfo('WARNING: The airport command line tool is deprecated and will be removed in a future release.\n')).toBeUndefined();
  });

  it('wifi metric: signal percent derived from dBm when the OS gives only dBm; nothing but `connected` when not associated', () => {
    expect(percentFromDbm(-51)).toBe(98);
    expect(percentFromDbm(-120)).toBe(0);
    expect(wifiMetric({ interface: 'en0', connected: true, rssiDbm: -79, channel: 44, ssid: 'Bad\u0007SSID' })).toEqual({
      m: 'wifi',
      tags: { interface: 'en0' },
      fields: { connected: 1, signal_percent: 42, rssi_dbm: -79, channel: 44, ssid: 'Bad SSID' },
    });
    expect(wifiMetric({ interface: 'wlan0', connected: false })).toEqual({ m: 'wifi', tags: { interface: 'wlan0' }, fields: { connected: 0 } });
  });
});
