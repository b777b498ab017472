import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureText, HAVE_FIXTURES } from '../testing/fixtures.testutil.js';
import { parseNetstatRn, parseRouteGet } from './default-route.darwin.js';
import { hexToIpv4, parseProcNetRoute } from './default-route.linux.js';
import { interfaceWithAddress, parseRoutePrint } from './default-route.win32.js';
import { parseIfconfig, parseWirelessDevices } from './link.darwin.js';
import { linuxLinkFacts, linuxLinkUp, parseLinuxSpeed } from './link.linux.js';
import { adapterName, parseIpconfigAll } from './link.win32.js';

describe.skipIf(!HAVE_FIXTURES)('default route and adapters, golden over the recorded fixtures', () => {
  it('route print (Windows 10): the IPv4 default route by shape, persistent routes ignored', () => {
    expect(parseRoutePrint(fixtureText('windows/route-print-win10.txt'))).toEqual([{ gateway: '192.168.31.1', interfaceAddress: '192.168.31.221', metric: 30 }]);
  });

  it('ipconfig /all (Windows 11): adapters, their MAC and own IPv4 address (not gateway, DHCP or DNS servers)', () => {
    const adapters = parseIpconfigAll(fixtureText('windows/ipconfig-all-win11.txt'));
    expect(adapters.map((a) => a.heading)).toEqual([
      'Ethernet adapter Ethernet',
      'Ethernet adapter Ethernet 2',
      'Unknown adapter OpenVPN Data Channel Offload for NordVPN',
      'Unknown adapter Local Area Connection',
      'Wireless LAN adapter Local Area Connection* 1',
      'Wireless LAN adapter Local Area Connection* 2',
      'Ethernet adapter VMware Network Adapter VMnet1',
      'Ethernet adapter VMware Network Adapter VMnet8',
      'Wireless LAN adapter Wi-Fi',
      'Ethernet adapter Bluetooth Network Connection',
    ]);
    const wifi = adapters.find((a) => a.ipv4.includes('192.168.1.169'));
    expect(wifi).toEqual({ heading: 'Wireless LAN adapter Wi-Fi', mac: '00:00:5e:00:53:08', ipv4: ['192.168.1.169'] });
    expect(adapters[0]).toEqual({ heading: 'Ethernet adapter Ethernet', mac: '00:00:5e:00:53:01', ipv4: [] });
    expect(adapters[2]).toEqual({ heading: 'Unknown adapter OpenVPN Data Channel Offload for NordVPN', ipv4: [] });
    expect(adapters.find((a) => a.heading.endsWith('VMnet8'))?.ipv4).toEqual(['192.168.213.1']);
    expect(adapterName(wifi!.heading, ['Ethernet', 'Wi-Fi', 'Ethernet 2'])).toBe('Wi-Fi');
    expect(adapterName('Ethernet adapter Ethernet 2', ['Ethernet', 'Ethernet 2'])).toBe('Ethernet 2');
  });

  it('route -n get default (macOS)', () => {
    expect(parseRouteGet(fixtureText('macos/route-n-get-default.txt'))).toEqual({ interface: 'en0', gateway: '10.160.24.1' });
  });

  it('netstat -rn (macOS): the default row, interface column found by its header', () => {
    expect(parseNetstatRn(fixtureText('macos/netstat-rn.txt'))).toEqual({ interface: 'en0', gateway: '192.168.0.254' });
  });
});

describe('default route and link facts, other cases', () => {
  const header = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n';

  it('/proc/net/route: the lowest-metric default route that is up; little-endian hex addresses', () => {
    expect(hexToIpv4('0102A8C0')).toBe('192.168.2.1');
    const text =
      header +
      'wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n' +
      'eth0\t00000000\t0102000A\t0003\t0\t0\t100\t00000000\t0\t0\t0\n' +
      'eth0\t0002000A\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n' +
      'eth1\t00000000\t0103000A\t0002\t0\t0\t10\t00000000\t0\t0\t0\n';
    expect(parseProcNetRoute(text)).toEqual({ interface: 'eth0', gateway: '10.0.2.1' });
    expect(parseProcNetRoute(header + 'wg0\t00000000\t00000000\t0001\t0\t0\t0\t00000000\t0\t0\t0\n')).toEqual({ interface: 'wg0' });
    expect(parseProcNetRoute(header)).toBeUndefined();
  });

  it('route print: no default route, and the interface name Node knows for the route address', () => {
    expect(parseRoutePrint('IPv4 Route Table\r\nActive Routes:\r\n  127.0.0.0  255.0.0.0  On-link  127.0.0.1  331\r\n')).toEqual([]);
    const nics = { 'Wi-Fi': [{ address: '192.168.1.5', family: 'IPv4' }], Ethernet: [{ address: '10.0.0.5', family: 'IPv4' }] } as unknown as NodeJS.Dict<os.NetworkInterfaceInfo[]>;
    expect(interfaceWithAddress('10.0.0.5', nics)).toBe('Ethernet');
    expect(interfaceWithAddress('10.9.9.9', nics)).toBeUndefined();
  });

  it('route -n get default without a default route', () => {
    expect(parseRouteGet('route: writing to routing socket: not in table\n')).toBeUndefined();
  });

  it('ifconfig (macOS): status, negotiated media speed, address', () => {
    const wired = 'en7: flags=8863<UP,BROADCAST,SMART,RUNNING,SIMPLEX,MULTICAST> mtu 1500\n\tether 00:00:5e:00:53:09\n\tinet 10.20.0.15 netmask 0xffffff00 broadcast 10.20.0.255\n\tmedia: autoselect (1000baseT <full-duplex,flow-control>)\n\tstatus: active\n';
    expect(parseIfconfig(wired)).toEqual({ up: true, speedMbps: 1000, ipv4: '10.20.0.15' });
    expect(parseIfconfig('en8: flags=8863<UP,RUNNING> mtu 1500\n\tmedia: autoselect (10Gbase-T <full-duplex>)\n\tstatus: active\n').speedMbps).toBe(10_000);
    expect(parseIfconfig('en0: flags=8863<UP,BROADCAST,SMART,RUNNING> mtu 1500\n\tmedia: autoselect\n\tstatus: inactive\n')).toEqual({ up: false });
  });

  it('networksetup -listallhardwareports: the Wi-Fi devices', () => {
    const text = 'Hardware Port: Ethernet\nDevice: en0\nEthernet Address: 00:00:5e:00:53:01\n\nHardware Port: Wi-Fi\nDevice: en1\nEthernet Address: 00:00:5e:00:53:02\n\nVLAN Configurations\n===================\n';
    expect(parseWirelessDevices(text)).toEqual(['en1']);
  });

  it('sysfs: up, speed and wireless from a fake /sys tree', async () => {
    expect(linuxLinkUp('up', '1')).toBe(true);
    expect(linuxLinkUp('unknown', '1')).toBe(true);
    expect(linuxLinkUp('lowerlayerdown', '0')).toBe(false);
    expect(linuxLinkUp('up', '0')).toBe(false);
    expect(parseLinuxSpeed('-1')).toBeUndefined();
    expect(parseLinuxSpeed('1000')).toBe(1000);
    const root = mkdtempSync(path.join(os.tmpdir(), 'siaga-sys-'));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    const dev = (name: string, files: Record<string, string>, wireless = false) => {
      mkdirSync(path.join(root, 'class/net', name, wireless ? 'wireless' : ''), { recursive: true });
      for (const [f, v] of Object.entries(files)) writeFileSync(path.join(root, 'class/net', name, f), `${v}\n`);
    };
    dev('eth0', { operstate: 'up', carrier: '1', speed: '1000' });
    dev('wlan0', { operstate: 'up', carrier: '1' }, true);
    dev('eth1', { operstate: 'down', carrier: '0' });
    expect(await linuxLinkFacts('eth0', root)).toEqual({ up: true, wireless: false, speedMbps: 1000 });
    expect(await linuxLinkFacts('wlan0', root)).toEqual({ up: true, wireless: true });
    expect(await linuxLinkFacts('eth1', root)).toEqual({ up: false, wireless: false });
    expect(await linuxLinkFacts('gone0', root)).toEqual({ up: false, wireless: false });
  });
});
