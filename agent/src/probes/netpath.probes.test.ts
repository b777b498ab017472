import iconv from 'iconv-lite';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandResult, CommandRunner } from '../exec.js';
import { fixtureBytes, fixtureText, HAVE_FIXTURES } from '../testing/fixtures.testutil.js';
import { PROBES } from './index.js';
import { linkProbe } from './link.js';
import { pingCommand, pingMetric, pingProbe } from './ping.js';
import { ProbeRunner } from './runner.js';
import type { ProbeContext } from './types.js';
import { wifiProbe } from './wifi.js';
import { collectLinuxWifi } from './wifi.linux.js';

type Answer = Partial<CommandResult> | ((args: readonly string[]) => Partial<CommandResult>);

/** A fake command runner: answers per program, and records every call. */
function fakeRun(answers: Record<string, Answer>) {
  const calls: Array<{ file: string; args: readonly string[] }> = [];
  const run: CommandRunner = async (file, args) => {
    calls.push({ file, args });
    const a = answers[file];
    if (!a) return { stdout: Buffer.alloc(0), stderr: `${file}: not found`, code: 127 };
    const r = typeof a === 'function' ? a(args) : a;
    return { stdout: r.stdout ?? Buffer.alloc(0), stderr: r.stderr ?? '', code: r.code ?? 0 };
  };
  return { run, calls };
}

function context(platform: NodeJS.Platform, run: CommandRunner, memo = new Map<string, unknown>(), now = () => 1_700_000_000_000): ProbeContext {
  return { platform, run, memo, now, signal: new AbortController().signal };
}

const out = (text: string): Partial<CommandResult> => ({ stdout: Buffer.from(text) });
const REG_OEMCP_850 = out('\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage\r\n    OEMCP    REG_SZ    850\r\n\r\n');
const pingConfig = (over: Record<string, unknown> = {}) => pingProbe.configSchema.parse({ gateway: true, ...over });

describe('ping probe', () => {
  it('builds a fixed argv per OS', () => {
    expect(pingCommand('linux', '10.1.2.1', 3, 1000)).toEqual({ file: 'ping', args: ['-n', '-c', '3', '-W', '1', '10.1.2.1'] });
    expect(pingCommand('linux', '10.1.2.1', 3, 1500, false)).toEqual({ file: 'ping', args: ['-c', '3', '-W', '2', '10.1.2.1'] });
    expect(pingCommand('darwin', '10.1.2.1', 3, 1000)).toEqual({ file: '/sbin/ping', args: ['-n', '-c', '3', '-W', '1000', '-t', '4', '10.1.2.1'] });
    expect(pingCommand('win32', '10.1.2.1', 3, 1000)).toEqual({ file: 'ping.exe', args: ['-n', '3', '-w', '1000', '10.1.2.1'] });
  });

  it('pings nothing without a policy: the gateway only when a check asks for it', async () => {
    const calls: string[] = [];
    const run: CommandRunner = async (file) => {
      calls.push(file);
      return { stdout: Buffer.alloc(0), stderr: '', code: 0 };
    };
    expect(await pingProbe.collect(context('linux', run), pingProbe.configSchema.parse({}))).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('validates targets: names, addresses that could pass for options, the reserved name, duplicates, a timeout too short', () => {
    expect(pingConfig({ targets: [{ name: 'erp', address: 'erp.corp.example' }, { name: 'dc1', address: 'fd00::10' }] }).targets).toHaveLength(2);
    for (const bad of [
      { targets: [{ name: 'x', address: '-f' }] },
      { targets: [{ name: 'x', address: 'a b' }] },
      { targets: [{ name: 'gateway', address: '10.0.0.1' }] },
      { targets: [{ name: 'a', address: '10.0.0.1' }, { name: 'a', address: '10.0.0.2' }] },
      { count: 5, timeoutMs: 3000 },
      { targets: [{ name: 'x', address: '10.0.0.1', extra: 1 }] },
    ]) {
      expect(pingProbe.configSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it.skipIf(!HAVE_FIXTURES)('macOS: pings the gateway of `route -n get default`', async () => {
    const { run, calls } = fakeRun({ '/sbin/route': out(fixtureText('macos/route-n-get-default.txt')), '/sbin/ping': out(fixtureText('macos/ping-c3-success.txt')) });
    const metrics = await pingProbe.collect(context('darwin', run), pingConfig());
    expect(calls.find((c) => c.file === '/sbin/ping')?.args).toEqual(['-n', '-c', '3', '-W', '1000', '-t', '4', '10.160.24.1']);
    expect(metrics).toEqual([
      {
        m: 'ping',
        tags: { target: 'gateway', url: '10.160.24.1' },
        fields: { packets_transmitted: 3, packets_received: 3, percent_packet_loss: 0, result_code: 0, reachable: 1, average_response_ms: 0.066, minimum_response_ms: 0.05, maximum_response_ms: 0.095 },
      },
    ]);
  });

  it.skipIf(!HAVE_FIXTURES)('Windows: the gateway from `route print`, output in the OEM code page, a router answering "unreachable" counts as lost', async () => {
    const route = fixtureText('windows/route-print-win10.txt');
    const spanish = iconv.encode('\r\nHaciendo ping a 192.168.31.1 con 32 bytes de datos:\r\nRespuesta desde 192.168.31.1: bytes=32 tiempo=2ms TTL=64\r\n\r\nEstadísticas de ping para 192.168.31.1:\r\n    Paquetes: enviados = 1, recibidos = 1, perdidos = 0\r\n    (0% perdidos),\r\nTiempos aproximados de ida y vuelta en milisegundos:\r\n    Mínimo = 2ms, Máximo = 2ms, Media = 2ms\r\n', 'cp850');
    const ok = fakeRun({ 'route.exe': out(route), 'reg.exe': REG_OEMCP_850, 'ping.exe': { stdout: spanish } });
    const [good] = await pingProbe.collect(context('win32', ok.run), pingConfig({ count: 1 }));
    expect(good).toMatchObject({ tags: { target: 'gateway', url: '192.168.31.1' }, fields: { result_code: 0, reachable: 1, average_response_ms: 2, packets_received: 1 } });

    const bad = fakeRun({ 'route.exe': out(route), 'reg.exe': REG_OEMCP_850, 'ping.exe': { stdout: fixtureBytes('windows/ping-en-dest-host-unreachable-0pct-loss.txt') } });
    const [lost] = await pingProbe.collect(context('win32', bad.run), pingConfig({ count: 4 }));
    expect(lost?.fields).toEqual({
      packets_transmitted: 4,
      packets_received: 0,
      percent_packet_loss: 100,
      result_code: 1,
      reachable: 0,
      error: 'gateway 192.168.31.1 unreachable: 4/4 lost (no ARP reply on the local network)',
    });
  });

  it('no default route: says so, naming the gateway last seen', async () => {
    const memo = new Map<string, unknown>();
    const up = fakeRun({ '/sbin/route': out('   route to: default\n    gateway: 10.1.2.1\n  interface: en0\n'), '/sbin/ping': out('3 packets transmitted, 0 packets received, 100.0% packet loss\n') });
    const [first] = await pingProbe.collect(context('darwin', up.run, memo), pingConfig());
    expect(first?.fields.error).toBe('gateway 10.1.2.1 unreachable: 3/3 lost');
    const down = fakeRun({ '/sbin/route': { code: 1, stderr: 'route: writing to routing socket: not in table' }, '/usr/sbin/netstat': out('Routing tables\n\nInternet:\nDestination        Gateway            Flags        Netif Expire\n127                127.0.0.1          UCS            lo0\n') });
    const [second] = await pingProbe.collect(context('darwin', down.run, memo), pingConfig());
    expect(second).toEqual({ m: 'ping', tags: { target: 'gateway', url: '10.1.2.1' }, fields: { result_code: 2, reachable: 0, percent_packet_loss: 100, error: 'gateway 10.1.2.1: no default route' } });
    expect(down.calls.some((c) => c.file === '/sbin/ping')).toBe(false);
  });

  it('configured targets; BusyBox without -n is retried once and remembered; ping failing before sending is result_code 2', async () => {
    const memo = new Map<string, unknown>();
    const { run, calls } = fakeRun({
      ping: (args) => {
        if (args.includes('-n')) return { code: 1, stderr: "ping: invalid option -- 'n'\nBusyBox v1.36.1 multi-call binary." };
        if (args.at(-1) === '10.9.9.9') return { code: 2, stderr: 'ping: sendto: Network is unreachable\n' };
        return out(fixtureTextOr('linux/ping-busybox-success.txt'));
      },
    });
    const config = pingConfig({ gateway: false, count: 4, timeoutMs: 8000, targets: [{ name: 'fileserver', address: '10.5.0.9' }, { name: 'far', address: '10.9.9.9' }] });
    const metrics = await pingProbe.collect(context('linux', run, memo), config);
    expect(metrics[0]).toMatchObject({ tags: { target: 'fileserver', url: '10.5.0.9' }, fields: { result_code: 0, reachable: 1, packets_received: 4 } });
    expect(metrics[1]).toEqual({ m: 'ping', tags: { target: 'far', url: '10.9.9.9' }, fields: { result_code: 2, reachable: 0, percent_packet_loss: 100, error: 'far 10.9.9.9: sendto: Network is unreachable' } });
    expect(memo.get('busybox')).toBe(true);
    const before = calls.length;
    await pingProbe.collect(context('linux', run, memo), config);
    expect(calls.slice(before).every((c) => !c.args.includes('-n'))).toBe(true);
  });

  it('names who said "unreachable": a router, or this machine itself (ARP got no answer)', () => {
    const summary = { transmitted: 3, received: 0, lossPercent: 100, unreachableFrom: '10.0.0.1' };
    expect(pingMetric('erp', '10.5.0.9', 'erp 10.5.0.9', { summary }, new Set(['10.0.0.7'])).fields.error).toBe('erp 10.5.0.9 unreachable: 3/3 lost (10.0.0.1 answered "destination unreachable")');
    expect(pingMetric('erp', '10.0.0.9', 'erp 10.0.0.9', { summary: { ...summary, unreachableFrom: '10.0.0.7' } }, new Set(['10.0.0.7'])).fields.error).toBe('erp 10.0.0.9 unreachable: 3/3 lost (no ARP reply on the local network)');
    expect(pingMetric('erp', '10.5.0.9', 'erp 10.5.0.9', { summary: { transmitted: 3, received: 2, lossPercent: 33.33, avgMs: 1 } }).fields).toMatchObject({ result_code: 0, reachable: 1, error: 'erp 10.5.0.9: 1/3 lost' });
  });

  it('a bad target is refused by the runner with the exact field named', () => {
    const runner = new ProbeRunner(PROBES, { run: fakeRun({}).run, platform: 'linux', now: Date.now });
    expect(() => runner.configure({ ping: { targets: [{ name: 'x', address: '-f' }] } })).toThrow('probes.ping.targets[0].address: expected an IP address or a host name');
    expect(() => runner.configure({ http: { apps: [{ name: 'erp', url: 'file:///etc/passwd' }] } })).toThrow('probes.http.apps[0].url: expected an http:// or https:// URL with a valid host');
  });

  it('fails the probe when ping is not installed', async () => {
    const { run } = fakeRun({});
    await expect(pingProbe.collect(context('linux', run), pingConfig({ gateway: false, targets: [{ name: 'x', address: '10.0.0.1' }] }))).rejects.toThrow('ping is not installed');
  });
});

function fixtureTextOr(file: string): string {
  return HAVE_FIXTURES ? fixtureText(file) : '4 packets transmitted, 4 packets received, 0% packet loss\nround-trip min/avg/max = 1/1/1 ms\n';
}

describe('link probe', () => {
  it('macOS: the default route interface, its media speed and Wi-Fi-ness; then the same interface once the route is gone', async () => {
    const memo = new Map<string, unknown>();
    const ifconfigUp = 'en7: flags=8863<UP,BROADCAST,SMART,RUNNING,SIMPLEX,MULTICAST> mtu 1500\n\tinet 10.20.0.15 netmask 0xffffff00 broadcast 10.20.0.255\n\tmedia: autoselect (1000baseT <full-duplex>)\n\tstatus: active\n';
    const ports = out('Hardware Port: Wi-Fi\nDevice: en0\n\nHardware Port: Thunderbolt Ethernet\nDevice: en7\n');
    const first = fakeRun({ '/sbin/route': out('    gateway: 10.20.0.1\n  interface: en7\n'), '/sbin/ifconfig': out(ifconfigUp), '/usr/sbin/networksetup': ports });
    expect(await linkProbe.collect(context('darwin', first.run, memo), linkProbe.configSchema.parse({}))).toEqual([
      { m: 'link', tags: { interface: 'en7' }, fields: { up: 1, default_route: 1, wireless: 0, speed_mbps: 1000, ipv4: '10.20.0.15', gateway: '10.20.0.1' } },
    ]);
    const unplugged = fakeRun({ '/sbin/route': { code: 1 }, '/usr/sbin/netstat': out(''), '/sbin/ifconfig': out('en7: flags=8863<UP,BROADCAST> mtu 1500\n\tmedia: autoselect (none)\n\tstatus: inactive\n'), '/usr/sbin/networksetup': ports });
    expect(await linkProbe.collect(context('darwin', unplugged.run, memo), linkProbe.configSchema.parse({}))).toEqual([
      { m: 'link', tags: { interface: 'en7' }, fields: { up: 0, default_route: 0, wireless: 0 } },
    ]);
    // The hardware port list is a slow fact: read once, not on every cycle.
    expect(unplugged.calls.some((c) => c.file === '/usr/sbin/networksetup')).toBe(false);
  });

  it('Windows: default route from `route print`, the adapter from `ipconfig /all`, wireless when netsh lists its MAC', async () => {
    const route = '===\r\nIPv4 Route Table\r\nActive Routes:\r\nNetwork Destination        Netmask          Gateway       Interface  Metric\r\n          0.0.0.0          0.0.0.0     192.168.1.1    192.168.1.169     35\r\n';
    const ipconfig = '\r\nWindows IP Configuration\r\n\r\n   Host Name . . . . . . . . . . . . : PC\r\n\r\nDrahtlos-LAN-Adapter WLAN:\r\n\r\n   Physikalische Adresse . . . . . . : AA-BB-CC-DD-EE-01\r\n   IPv4-Adresse  . . . . . . . . . . : 192.168.1.169(Bevorzugt)\r\n   Subnetzmaske  . . . . . . . . . . : 255.255.255.0\r\n   Standardgateway . . . . . . . . . : 192.168.1.1\r\n';
    const netsh = '\r\n    Name                   : WLAN\r\n    GUID                   : 7825d47a-5d59-4c93-8d91-2b0e1b5f6c4b\r\n    Physische Adresse      : aa:bb:cc:dd:ee:01\r\n    Status                 : Getrennt\r\n';
    const { run } = fakeRun({ 'route.exe': out(route), 'ipconfig.exe': out(ipconfig), 'netsh.exe': out(netsh), 'reg.exe': REG_OEMCP_850 });
    const [metric] = await linkProbe.collect(context('win32', run), linkProbe.configSchema.parse({}));
    // Node's interface list on this test machine has no "WLAN", so the name comes from the heading.
    expect(metric).toEqual({ m: 'link', tags: { interface: 'Drahtlos-LAN-Adapter WLAN' }, fields: { up: 1, default_route: 1, wireless: 1, gateway: '192.168.1.1' } });
  });
});

describe('wifi probe', () => {
  it('Linux: iw per wireless interface; an interface switched off is not connected; nmcli where iw is missing', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'siaga-sys-'));
    try {
      for (const dir of ['class/net/wlan0/wireless', 'class/net/wlan1/wireless', 'class/net/eth0']) mkdirSync(path.join(root, dir), { recursive: true });
      const withIw = fakeRun({ iw: (args) => (args[1] === 'wlan0' ? out('Connected to aa:bb:cc:dd:ee:ff (on wlan0)\n\tSSID: Office\n\tfreq: 5180\n\tsignal: -60 dBm\n') : { code: 240, stderr: 'command failed: Network is down (-100)' }) });
      expect(await collectLinuxWifi(context('linux', withIw.run), root)).toEqual([
        { interface: 'wlan0', connected: true, bssid: 'aa:bb:cc:dd:ee:ff', ssid: 'Office', channel: 36, rssiDbm: -60 },
        { interface: 'wlan1', connected: false },
      ]);
      const withNmcli = fakeRun({
        nmcli: (args) => (args[0] === 'device' ? out('GENERAL.DEVICE:  wlan0\nGENERAL.TYPE:  wifi\nGENERAL.STATE:  100 (connected)\nGENERAL.CONNECTION:  Office\n') : out('*:AA\\:BB\\:CC\\:DD\\:EE\\:FF:Office:36:70\n')),
      });
      expect((await collectLinuxWifi(context('linux', withNmcli.run), root))[0]).toEqual({ interface: 'wlan0', connected: true, bssid: 'aa:bb:cc:dd:ee:ff', ssid: 'Office', channel: 36, signalPercent: 70 });
      await expect(collectLinuxWifi(context('linux', fakeRun({}).run), root)).rejects.toThrow('neither iw nor nmcli');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('Linux without a wireless interface: nothing, and no command is run', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'siaga-sys-'));
    try {
      mkdirSync(path.join(root, 'class/net/eth0'), { recursive: true });
      const { run, calls } = fakeRun({});
      expect(await collectLinuxWifi(context('linux', run), root)).toEqual([]);
      expect(calls).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('Windows without the WLAN service: no metrics, no failure', async () => {
    const { run } = fakeRun({ 'netsh.exe': { code: 1, stdout: Buffer.from('The Wireless AutoConfig Service (wlansvc) is not running.\r\n') } });
    expect(await wifiProbe.collect(context('win32', run), wifiProbe.configSchema.parse({}))).toEqual([]);
  });

  it.skipIf(!HAVE_FIXTURES)('Windows: one point per adapter', async () => {
    const { run } = fakeRun({ 'netsh.exe': { stdout: fixtureBytes('windows/netsh-wlan-show-interfaces-fr.txt') }, 'reg.exe': REG_OEMCP_850 });
    expect(await wifiProbe.collect(context('win32', run), wifiProbe.configSchema.parse({}))).toEqual([
      { m: 'wifi', tags: { interface: 'Wi-Fi' }, fields: { connected: 1, signal_percent: 80, rx_rate_mbps: 103, tx_rate_mbps: 206, channel: 11, ssid: 'SSID-1', bssid: 'fe:dc:ba:09:87:02' } },
    ]);
  });

  it.skipIf(!HAVE_FIXTURES)('macOS: airport gone, wdutil answers and is remembered', async () => {
    const memo = new Map<string, unknown>();
    const { run, calls } = fakeRun({ '/usr/bin/wdutil': out(fixtureText('macos/wdutil-info-macos15-5GHz.txt')) });
    const ctx = context('darwin', run, memo);
    expect(await wifiProbe.collect(ctx, wifiProbe.configSchema.parse({}))).toEqual([
      { m: 'wifi', tags: { interface: 'en0' }, fields: { connected: 1, signal_percent: 42, rssi_dbm: -79, tx_rate_mbps: 103, channel: 44 } },
    ]);
    const before = calls.length;
    await wifiProbe.collect(ctx, wifiProbe.configSchema.parse({}));
    expect(calls.slice(before).map((c) => c.file)).toEqual(['/usr/bin/wdutil']);
  });
});
