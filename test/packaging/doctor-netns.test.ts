import { writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCommands, type Namespace, NetnsLab, netnsUnavailable, type NsProcess } from '../harness/netns.js';
import { COLLECTOR_CLI } from '../harness/processes.js';
import { tempDir } from '../harness/tmp.js';
import { BUILD_TIMEOUT_MS, buildArtifacts } from './build.js';

const SECRET = 'doctor-lab-enroll-secret-0001';
const unavailable = netnsUnavailable();

// The lab:  ws (10.78.1.2, the workstation) ── srv (10.78.1.1: collector on :8080, dnsmasq on :53)
describe.skipIf(unavailable)('doctor on a workstation whose network breaks (network namespaces)', () => {
  const tmp = tempDir('doctor-lab');
  let lab: NetnsLab;
  let ws: Namespace;
  let srv: Namespace;
  let sea: string;
  let collector: NsProcess;

  const config = (name: string, url: string): string => {
    const file = path.join(tmp.dir, `${name}.yaml`);
    writeFileSync(file, YAML.stringify({ collector: { url, enrollSecret: SECRET, allowInsecure: true }, stateDir: path.join(tmp.dir, 'state'), identity: { hostname: 'ws-lab' } }));
    return file;
  };
  const doctor = (configFile: string) => {
    const r = ws.exec([sea, 'doctor', '--config', configFile, '--skip-probes'], 60_000);
    return { ...r, out: r.stdout };
  };

  beforeAll(async () => {
    [sea] = (await buildArtifacts('build-sea.mjs', ['--targets', 'linux-x64'])) as [string];
    ensureCommands({ '/usr/sbin/dnsmasq': 'dnsmasq-base' });
    lab = new NetnsLab('doctor');
    ws = lab.namespace('ws');
    srv = lab.namespace('srv');
    lab.cable(ws, 'eth0', '10.78.1.2/24', srv, 'lan0', '10.78.1.1/24');
    ws.resolvConf(['nameserver 10.78.1.1', 'options timeout:1 attempts:1']);
    const dns = srv.spawn(
      ['/usr/sbin/dnsmasq', '--keep-in-foreground', '--log-facility=-', '--conf-file=/dev/null', '--pid-file=', '--no-resolv', '--no-hosts', '--bind-interfaces', '--listen-address=10.78.1.1', '--local=/lab/', '--address=/collector.lab/10.78.1.1'],
      'dnsmasq',
    );
    await dns.waitFor(/started/);
    const collectorConfig = path.join(tmp.dir, 'collector.yaml');
    writeFileSync(collectorConfig, YAML.stringify({ listen: { host: '10.78.1.1', port: 8080 }, dataDir: path.join(tmp.dir, 'collector-data'), enroll: { secrets: [SECRET] } }));
    collector = srv.spawn([process.execPath, COLLECTOR_CLI, '--config', collectorConfig], 'collector');
    await collector.waitFor(/collector listening/, 30_000);
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await lab?.destroy();
    tmp.remove();
  });

  it('passes once the agent has enrolled through the office DNS', async () => {
    const file = config('ok', 'http://collector.lab:8080');
    const agent = ws.spawn([sea, 'run', '--config', file], 'agent');
    await agent.waitFor(/"msg":"enrolled"/, 30_000);
    await agent.stop();
    const r = doctor(file);
    expect(r.out).toContain('✓ collector.lab resolves to 10.78.1.1');
    expect(r.out).toMatch(/✓ TCP connection to 10\.78\.1\.1:8080 \(\d+ ms\)/);
    expect(r.out).toContain("✓ The collector accepts this computer's node key");
    expect(r.out).toContain('No problems found.');
    expect(r.code).toBe(0);
  });

  it('says a name the office DNS does not know does not resolve', () => {
    const r = doctor(config('typo', 'http://colector.lab:8080'));
    expect(r.out).toContain('✗ colector.lab does not resolve (ENOTFOUND)');
    expect(r.out).toContain('Check the spelling of collector.url');
    expect(r.out).toContain('– Connection, TLS and node key not checked (no address)');
    expect(r.code).toBe(1);
  });

  it('says nothing listens when the collector is down', async () => {
    const file = config('down', 'http://collector.lab:8080');
    await collector.stop();
    const r = doctor(file);
    expect(r.out).toContain('✗ No TCP connection to the collector: 10.78.1.1:8080 ECONNREFUSED');
    expect(r.out).toContain('Nothing listens on port 8080: is the collector running');
    expect(r.code).toBe(1);
  });

  it('blames the DNS server, then the route, when the cable is pulled', () => {
    ws.setLink('eth0', false);
    try {
      const byName = doctor(config('unplugged-name', 'http://collector.lab:8080'));
      expect(byName.out).toMatch(/✗ collector\.lab does not resolve \(EAI_AGAIN\)/);
      expect(byName.out).toContain("This computer's DNS did not answer");
      const byAddress = doctor(config('unplugged-address', 'http://10.78.1.1:8080'));
      expect(byAddress.out).toMatch(/✗ No TCP connection to the collector: 10\.78\.1\.1:8080 (ENETUNREACH|EHOSTUNREACH)/);
      expect(byAddress.out).toContain("No route to the collector: check this computer's network connection, gateway and VPN.");
      expect(byAddress.code).toBe(1);
    } finally {
      ws.setLink('eth0', true);
    }
  });
});
