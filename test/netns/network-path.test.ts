import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCommands, type Namespace, NetnsLab, netnsUnavailable, type NsProcess } from '../harness/netns.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const AGENT_DIST = path.resolve(here, '../../agent/dist/probes/ping.js');
const unavailable = netnsUnavailable();

interface Metric {
  m: string;
  tags?: Record<string, string>;
  fields: Record<string, number | string | boolean>;
}
interface Outcome {
  probe: string;
  ok: boolean;
  error?: string;
  metrics: Metric[];
}

// The lab:  ws (10.77.1.2) ── gw (10.77.1.1 | 10.77.2.1 | 10.77.3.1) ──┬── dns (10.77.2.53, dnsmasq)
//                                                                      └── app (10.77.3.80:8080, node http)
const PROBES = {
  ping: { gateway: true, count: 3, replyTimeoutMs: 1000, targets: [{ name: 'app', address: '10.77.3.80' }] },
  dns: { queries: [{ domain: 'erp.siaga.test' }, { domain: 'nope.siaga.test' }], servers: ['system', '10.77.2.53'], queryTimeoutMs: 1500, tries: 1 },
  http: { apps: [{ name: 'erp', url: 'http://erp.siaga.test:8080/health?user=x', bodyMatch: 'OK', timeoutMs: 2000 }] },
  tcp: { targets: [{ name: 'erp', host: '10.77.3.80', port: 8080, timeoutMs: 1500 }] },
};
const ALL = ['link', 'wifi', 'ping', 'dns', 'http', 'tcp'];

/** The agent's probes running inside the workstation namespace, one collection per request. */
class ProbeSession {
  private buffer = '';
  private waiting: Array<(line: string) => void> = [];

  constructor(readonly proc: NsProcess) {
    proc.child.stdout?.on('data', (d: Buffer) => {
      this.buffer += d.toString();
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        this.waiting.shift()?.(line);
      }
    });
  }

  next(): Promise<string> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Collects again (a few times, 10 s at most) until `done` holds; returns the last collection. */
  async collectUntil(only: string[], done: (o: Outcome[]) => boolean): Promise<Outcome[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const outcomes = await this.collect(only);
      if (done(outcomes) || Date.now() > deadline) return outcomes;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async collect(only: string[] = ALL): Promise<Outcome[]> {
    const answer = this.next();
    this.proc.child.stdin?.write(`${JSON.stringify({ probes: PROBES, only })}\n`);
    const parsed = JSON.parse(await answer) as { outcomes?: Outcome[]; error?: string };
    if (!parsed.outcomes) throw new Error(`probe session: ${parsed.error}\n${this.proc.output.slice(-2000)}`);
    return parsed.outcomes;
  }
}

/** The addresses the long-lived pings (`ping -n -O ... <address>`) running in a namespace ping, sorted. */
function longLivedPings(ns: Namespace): string[] {
  const pids = spawnSync('ip', ['netns', 'pids', ns.name], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean);
  const argvs = pids.map((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      return []; // gone meanwhile
    }
  });
  return argvs.filter((a) => a[0] === 'ping' && a.includes('-O')).map((a) => a.at(-1)!).sort();
}

function point(outcomes: Outcome[], m: string, tags: Record<string, string>): Metric {
  const found = outcomes.flatMap((o) => o.metrics).find((x) => x.m === m && Object.entries(tags).every(([k, v]) => x.tags?.[k] === v));
  if (!found) throw new Error(`no ${m} ${JSON.stringify(tags)} in ${JSON.stringify(outcomes, null, 1)}`);
  return found;
}

describe.skipIf(unavailable !== undefined)(`network path probes in network namespaces${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let lab: NetnsLab;
  let ws: Namespace;
  let gw: Namespace;
  let dnsNs: Namespace;
  let appNs: Namespace;
  let dnsServer: NsProcess;
  let appServer: NsProcess;
  let session: ProbeSession;

  const startDns = async () => {
    dnsServer = dnsNs.spawn(
      ['/usr/sbin/dnsmasq', '--keep-in-foreground', '--log-facility=-', '--conf-file=/dev/null', '--pid-file=', '--no-resolv', '--no-hosts', '--bind-interfaces', '--listen-address=10.77.2.53', '--local=/siaga.test/', '--address=/erp.siaga.test/10.77.3.80'],
      'dnsmasq',
    );
    await dnsServer.waitFor(/started/);
  };
  const startApp = async () => {
    appServer = appNs.spawn([process.execPath, path.join(here, 'app-server.mjs'), '10.77.3.80', '8080'], 'app');
    await appServer.waitFor(/listening/);
  };

  beforeAll(async () => {
    if (!existsSync(AGENT_DIST)) throw new Error(`agent not built (${AGENT_DIST} missing): run \`npx tsc -b\` first`);
    ensureCommands({ ping: 'iputils-ping', '/usr/sbin/dnsmasq': 'dnsmasq-base' });
    lab = new NetnsLab('netpath');
    ws = lab.namespace('ws');
    gw = lab.namespace('gw');
    dnsNs = lab.namespace('dns');
    appNs = lab.namespace('app');
    lab.cable(ws, 'eth0', '10.77.1.2/24', gw, 'lan0', '10.77.1.1/24');
    lab.cable(dnsNs, 'eth0', '10.77.2.53/24', gw, 'dns0', '10.77.2.1/24');
    lab.cable(appNs, 'eth0', '10.77.3.80/24', gw, 'app0', '10.77.3.1/24');
    gw.forward();
    ws.defaultRoute('10.77.1.1');
    dnsNs.defaultRoute('10.77.2.1');
    appNs.defaultRoute('10.77.3.1');
    ws.resolvConf(['nameserver 10.77.2.53', 'options timeout:1 attempts:1']);
    await Promise.all([startDns(), startApp()]);
    session = new ProbeSession(ws.spawn([process.execPath, path.join(here, 'probe-session.mjs')], 'probes'));
    await session.proc.waitFor(/"ready"/);
  });

  afterAll(async () => {
    await lab?.destroy();
  });

  it('all good: link up, gateway and app reachable, names resolve, application answers', async () => {
    const outcomes = await session.collect();
    expect(outcomes.map((o) => [o.probe, o.ok, o.error])).toEqual(ALL.map((p) => [p, true, undefined]));
    expect(point(outcomes, 'link', { interface: 'eth0' }).fields).toEqual({ up: 1, default_route: 1, wireless: 0, speed_mbps: 10000, ipv4: '10.77.1.2', gateway: '10.77.1.1' });
    expect(outcomes.find((o) => o.probe === 'wifi')?.metrics).toEqual([]);
    const gateway = point(outcomes, 'ping', { target: 'gateway' });
    expect(gateway.tags).toEqual({ target: 'gateway', url: '10.77.1.1' });
    expect(gateway.fields).toMatchObject({ packets_transmitted: 3, packets_received: 3, percent_packet_loss: 0, result_code: 0, reachable: 1 });
    expect(gateway.fields.average_response_ms).toBeGreaterThan(0);
    expect(point(outcomes, 'ping', { target: 'app' }).fields).toMatchObject({ result_code: 0, reachable: 1 });
    // One ping per target keeps running between collections: no process is started per run.
    expect(longLivedPings(ws)).toEqual(['10.77.1.1', '10.77.3.80']);
    for (const server of ['system', '10.77.2.53']) {
      expect(point(outcomes, 'dns_query', { domain: 'erp.siaga.test', server }).fields).toMatchObject({ result_code: 0, resolved: 1, answers: 1, answer: '10.77.3.80' });
      expect(point(outcomes, 'dns_query', { domain: 'nope.siaga.test', server }).fields).toMatchObject({ result_code: 2, resolved: 0 });
    }
    expect(point(outcomes, 'dns_query', { domain: 'nope.siaga.test', server: '10.77.2.53' }).fields.error).toBe('nope.siaga.test: name not found (NXDOMAIN)');
    expect(point(outcomes, 'http_response', { app: 'erp' })).toMatchObject({ tags: { app: 'erp', method: 'GET' }, fields: { http_response_code: 200, result_code: 0, ok: 1, response_string_match: 1 } });
    expect(point(outcomes, 'net_response', { app: 'erp' }).fields).toMatchObject({ result_code: 0, ok: 1 });
  });

  it('application hangs: HTTP times out while TCP still connects (the kernel accepts for it)', async () => {
    appServer.pause();
    try {
      const outcomes = await session.collect(['http', 'tcp']);
      expect(point(outcomes, 'http_response', { app: 'erp' }).fields).toMatchObject({ result_code: 1, ok: 0, error: 'timeout after 2 s (waiting for the response)' });
      expect(point(outcomes, 'net_response', { app: 'erp' }).fields).toMatchObject({ result_code: 0, ok: 1 });
    } finally {
      appServer.resume();
    }
  });

  it('application stopped: connection refused, host still answers ping', async () => {
    await appServer.stop();
    try {
      const outcomes = await session.collect(['ping', 'http', 'tcp']);
      expect(point(outcomes, 'http_response', { app: 'erp' }).fields).toMatchObject({ result_code: 2, ok: 0, error: 'connection refused' });
      expect(point(outcomes, 'net_response', { app: 'erp' }).fields).toMatchObject({ result_code: 2, ok: 0, error: 'connection refused' });
      expect(point(outcomes, 'ping', { target: 'app' }).fields).toMatchObject({ reachable: 1 });
    } finally {
      await startApp();
    }
  });

  it('DNS server hangs: queries time out, the application cannot be found by name', async () => {
    dnsServer.pause();
    try {
      const outcomes = await session.collect(['dns', 'http']);
      expect(point(outcomes, 'dns_query', { domain: 'erp.siaga.test', server: '10.77.2.53' }).fields).toMatchObject({ result_code: 1, resolved: 0, error: 'timeout after 1.5 s' });
      expect(point(outcomes, 'dns_query', { domain: 'erp.siaga.test', server: 'system' }).fields).toMatchObject({ result_code: 1, resolved: 0 });
      // Either the application's own timeout strikes while resolving, or the OS resolver gives up first.
      const http = point(outcomes, 'http_response', { app: 'erp' }).fields;
      expect(http.ok).toBe(0);
      expect(http.error).toMatch(/^timeout after 2 s \(resolving erp\.siaga\.test\)$|^DNS: lookup failed for erp\.siaga\.test/);
    } finally {
      dnsServer.resume();
    }
  });

  it('DNS server stopped: the resolver is refused', async () => {
    await dnsServer.stop();
    try {
      const outcomes = await session.collect(['dns']);
      expect(point(outcomes, 'dns_query', { domain: 'erp.siaga.test', server: '10.77.2.53' }).fields).toMatchObject({ result_code: 2, resolved: 0, error: 'connection refused (no DNS server listening)' });
    } finally {
      await startDns();
    }
    const back = await session.collect(['dns']);
    expect(point(back, 'dns_query', { domain: 'erp.siaga.test', server: '10.77.2.53' }).fields).toMatchObject({ result_code: 0, resolved: 1 });
  });

  // A ping reports the last `count` echo requests of its long-lived ping (one a second): a cut
  // shows once they were all sent after it, within a few seconds.
  const pingFails = (target: string) => (o: Outcome[]) => point(o, 'ping', { target }).fields.reachable === 0;

  it('router loses the application network: gateway fine, application unreachable with the router named', async () => {
    gw.setLink('app0', false);
    try {
      // HTTP first: the router answers "unreachable" to about one packet a second per host
      // (icmp_ratelimit), and the workstation's ping, one a second, soon takes all of those.
      const http = await session.collect(['http']);
      expect(point(http, 'http_response', { app: 'erp' }).fields).toMatchObject({ result_code: 2, ok: 0, error: 'network unreachable' });
      const outcomes = await session.collectUntil(['ping'], pingFails('app'));
      expect(point(outcomes, 'ping', { target: 'gateway' }).fields).toMatchObject({ result_code: 0, reachable: 1 });
      expect(point(outcomes, 'ping', { target: 'app' }).fields).toMatchObject({
        result_code: 1,
        reachable: 0,
        percent_packet_loss: 100,
        error: 'app 10.77.3.80 unreachable: 3/3 lost (10.77.1.1 answered "destination unreachable")',
      });
    } finally {
      gw.setLink('app0', true);
      appNs.defaultRoute('10.77.3.1');
    }
  });

  it('cable cut at the router: link down, gateway unreachable (3/3 lost)', async () => {
    gw.setLink('lan0', false);
    try {
      const outcomes = await session.collectUntil(['link', 'ping'], pingFails('gateway'));
      expect(point(outcomes, 'link', { interface: 'eth0' }).fields).toMatchObject({ up: 0, default_route: 1 });
      const gateway = point(outcomes, 'ping', { target: 'gateway' });
      expect(gateway.tags).toEqual({ target: 'gateway', url: '10.77.1.1' });
      expect(gateway.fields).toMatchObject({ packets_transmitted: 3, packets_received: 0, percent_packet_loss: 100, result_code: 1, reachable: 0 });
      // With the gateway's MAC still cached the echo requests just vanish; once it expired, ARP fails too.
      expect(gateway.fields.error).toMatch(/^gateway 10\.77\.1\.1 unreachable: 3\/3 lost( \(no ARP reply on the local network\))?$/);
    } finally {
      gw.setLink('lan0', true);
    }
    const back = await session.collectUntil(['link'], (o) => point(o, 'link', { interface: 'eth0' }).fields.up === 1);
    expect(point(back, 'link', { interface: 'eth0' }).fields).toMatchObject({ up: 1, default_route: 1 });
  });

  it('workstation interface down: the default route is gone; the link and the last gateway are still named', async () => {
    ws.setLink('eth0', false);
    try {
      const outcomes = await session.collect(['link', 'ping']);
      expect(point(outcomes, 'link', { interface: 'eth0' }).fields).toEqual({ up: 0, default_route: 0, wireless: 0 });
      expect(point(outcomes, 'ping', { target: 'gateway' })).toEqual({
        m: 'ping',
        tags: { target: 'gateway', url: '10.77.1.1' },
        fields: { result_code: 2, reachable: 0, percent_packet_loss: 100, error: 'gateway 10.77.1.1: no default route' },
      });
      // Without a gateway its ping is stopped (a moment after SIGTERM); it starts again with the route.
      for (let i = 0; i < 20 && longLivedPings(ws).length > 1; i++) await new Promise((r) => setTimeout(r, 50));
      expect(longLivedPings(ws)).toEqual(['10.77.3.80']);
    } finally {
      ws.setLink('eth0', true);
      ws.defaultRoute('10.77.1.1');
    }
    // The kernel reports the interface up a moment after it is brought up.
    const back = await session.collectUntil(['link', 'ping'], (o) => point(o, 'link', { interface: 'eth0' }).fields.up === 1 && point(o, 'ping', { target: 'gateway' }).fields.reachable === 1);
    expect(point(back, 'link', { interface: 'eth0' }).fields).toMatchObject({ up: 1, default_route: 1 });
    expect(point(back, 'ping', { target: 'gateway' }).fields).toMatchObject({ result_code: 0, reachable: 1 });
  });
});
