import { writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForVerdict } from '../harness/api.js';
import { ensureCommands, type Namespace, NetnsLab, netnsUnavailable, type NsProcess } from '../harness/netns.js';
import { adminToken, AGENT_CLI, COLLECTOR_CLI } from '../harness/processes.js';
import { tempDir } from '../harness/tmp.js';

const unavailable = netnsUnavailable();
const SECRET = 'netns-readiness-secret-01';
const HOST = 'ws-lab';
const APP_SERVER = path.resolve(path.dirname(new URL(import.meta.url).pathname), 'app-server.mjs');

// The lab:  test ── uplink (10.78.0.1 → 10.78.0.2) ── srv: collector :18080, app :8081 (10.78.1.1)
//                                                       │
//                                     ws (10.78.1.2, default route via 10.78.1.1): agent
describe.skipIf(unavailable !== undefined)('readiness across a network (agent and collector in namespaces)', () => {
  const tmp = tempDir('netns-ready');
  let lab: NetnsLab;
  let srv: Namespace;
  let ws: Namespace;
  let app: NsProcess;
  let agent: NsProcess;
  let collector: NsProcess;
  const api = 'http://10.78.0.2:18080';
  const measured: Record<string, number> = {};

  const startApp = async () => {
    app = srv.spawn([process.execPath, APP_SERVER, '10.78.1.1', '8081'], 'app');
    await app.waitFor(/listening/);
  };

  beforeAll(async () => {
    ensureCommands({ ping: 'iputils-ping' });
    lab = new NetnsLab('ready');
    srv = lab.namespace('srv');
    ws = lab.namespace('ws');
    lab.cable(ws, 'eth0', '10.78.1.2/24', srv, 'lan0', '10.78.1.1/24');
    ws.defaultRoute('10.78.1.1');
    lab.uplink(srv, '10.78.0.1/30', 'up0', '10.78.0.2/30');

    const policyFile = path.join(tmp.dir, 'policy.yaml');
    writeFileSync(
      policyFile,
      YAML.stringify({
        defaults: { interval: '2s', watchInterval: '1s', freshness: '6s' },
        policies: [{ name: 'lab', checks: { gateway: { maxLatencyMs: { warn: 500 } }, apps: { watch: '1s', items: [{ name: 'erp', url: 'http://10.78.1.1:8081/health', timeoutMs: 1500 }] } } }],
      }),
    );
    const collectorConfig = path.join(tmp.dir, 'collector.yaml');
    writeFileSync(collectorConfig, YAML.stringify({ listen: { host: '0.0.0.0', port: 18080 }, dataDir: path.join(tmp.dir, 'collector-data'), enroll: { secrets: [SECRET] }, policyFile }));
    collector = srv.spawn([process.execPath, COLLECTOR_CLI, '--config', collectorConfig], 'collector');
    await collector.waitFor(/collector listening/, 20_000);
    await adminToken(collectorConfig, api);
    await startApp();

    const agentConfig = path.join(tmp.dir, 'agent.yaml');
    writeFileSync(
      agentConfig,
      YAML.stringify({ collector: { url: 'http://10.78.1.1:18080', enrollSecret: SECRET, allowInsecure: true }, stateDir: path.join(tmp.dir, 'agent-state'), identity: { hostname: HOST } }),
    );
    agent = ws.spawn([process.execPath, AGENT_CLI, 'run', '--config', agentConfig], 'agent');
    await waitForVerdict(api, HOST, 'ready', 30_000);
  });

  afterAll(async () => {
    await lab?.destroy();
    tmp.remove();
    if (Object.keys(measured).length > 0) console.log(`readiness across namespaces (ms): ${JSON.stringify(measured)}`);
  });

  it('turns not_ready with the reason when the application server stops, and ready when it is back', async () => {
    // Let the agent settle into watching the policy's checks (after its first full collection).
    await new Promise((r) => setTimeout(r, 3_000));
    const stoppedAt = Date.now();
    await app.stop();
    const down = await waitForVerdict(api, HOST, 'not_ready');
    expect(down.reasons).toEqual([expect.objectContaining({ check: 'app', instance: 'erp', status: 'fail', reason: expect.stringMatching(/^erp: connection (refused|reset)/) })]);
    measured.appStopped = (down.verdictSince as number) - stoppedAt;
    expect(measured.appStopped).toBeLessThanOrEqual(2_000);

    await startApp();
    await waitForVerdict(api, HOST, 'ready');
  });

  it('goes offline within the freshness limit when the workstation loses its link, and ready again when it returns', { timeout: 120_000 }, async () => {
    const cutAt = Date.now();
    ws.setLink('eth0', false);
    const offline = await waitForVerdict(api, HOST, 'offline', 20_000);
    expect(offline.expected).toBe(false);
    expect(offline.reasons[0]?.reason).toMatch(/^No report for \d+ s \(limit 6 s\)/);
    measured.linkCutToOffline = (offline.verdictSince as number) - cutAt;
    // The last report may have left just before the cut: offline comes 6 s after it, plus the 1 s sweep.
    expect(measured.linkCutToOffline).toBeLessThanOrEqual(6_000 + 1_500);

    ws.setLink('eth0', true);
    ws.defaultRoute('10.78.1.1');
    await waitForVerdict(api, HOST, 'ready', 90_000).catch((e) => {
      console.log('AGENT', agent.output.slice(-3000), 'COLLECTOR', collector.output.slice(-3000));
      throw e;
    });
  });
});
