import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InfluxServer, startInfluxd } from '../harness/influxd.js';
import { waitFor } from '../harness/ports.js';
import { type RunningCollector, startCollector } from '../harness/processes.js';
import { RawAgent } from '../harness/raw-agent.js';
import { tempDir } from '../harness/tmp.js';
import { ENROLL_SECRET, webhookSecret } from './fixtures.js';
import { WebhookReceiver } from './webhook-receiver.js';

/** A real influxd stopped under a running collector: the collector pages that it cannot write, then that it can again. */
describe('alerts end to end: the collector cannot write to InfluxDB', () => {
  const tmp = tempDir('alerts-influx');
  const secret = webhookSecret();
  const receiver = new WebhookReceiver();
  let influx: InfluxServer;
  let collector: RunningCollector;
  let agent: RawAgent;
  let heartbeat: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    const base = await receiver.start();
    influx = await startInfluxd();
    collector = await startCollector(tmp.dir, {
      enroll: { secrets: [ENROLL_SECRET] },
      influx: { url: influx.url, database: 'alerts', flushIntervalMs: 50, retryBaseMs: 100, retryMaxMs: 500, timeoutMs: 1_000 },
      notify: { receivers: [{ name: 'ops', url: `${base}/ops`, secret }], allowNetworks: ['127.0.0.0/8'] },
      alerts: {
        rules: { influx_write: { for: 2 } },
        grouping: { groupWait: 1, groupInterval: 1, repeatInterval: 3600 },
        escalation: { policies: { default: { tiers: [{ name: 'Collector admins', receivers: ['ops'] }] } } },
      },
    });
    agent = new RawAgent(collector.url, 'ws-influx');
    await agent.enroll(ENROLL_SECRET);
    await agent.connect();
    agent.hello();
    await agent.next((f) => f.type === 'welcome');
    let seq = 0;
    // Reports every 200 ms keep the sink writing.
    heartbeat = setInterval(() => agent.report(++seq), 200);
  });

  afterAll(async () => {
    clearInterval(heartbeat);
    agent?.ws.terminate();
    await collector?.stop();
    await influx?.stop();
    await receiver.stop();
    tmp.remove();
  });

  it('pages once InfluxDB has refused writes for `for`, and announces the recovery', async () => {
    await influx.pause();
    const page = await waitFor(() => receiver.delivered('/ops')[0], 'the InfluxDB page', 30_000);
    expect(page.payload).toMatchObject({ status: 'firing', receiver: 'Collector admins', groupLabels: { alertname: 'influx_write' } });
    expect(page.payload.alerts[0]!.labels).toMatchObject({ alertname: 'influx_write', host: 'collector', severity: 'critical' });
    expect(page.payload.alerts[0]!.annotations.description).toMatch(/^InfluxDB write failed: /);

    await influx.restart();
    const resolved = await waitFor(() => receiver.delivered('/ops').find((r) => r.payload.status === 'resolved'), 'the recovery', 30_000);
    expect(resolved.payload.alerts[0]!.labels.alertname).toBe('influx_write');
    expect(receiver.delivered('/ops')).toHaveLength(2);
    expect(receiver.verifyAll(secret)).toBe(2);
  });
});
