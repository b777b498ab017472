// A process that runs only the collector's webhook outbox, from the built dist:
//   node notify-child.mjs <dataDir> <receiverUrl> <secret> enqueue|resume
// `enqueue` stores one notification and prints {"msg":"enqueued","ids":[...]}; both modes then
// deliver whatever is pending until SIGTERM.
import { createLogger } from '../../collector/dist/log.js';
import { Notifier, parseNotifyConfig } from '../../collector/dist/notify/index.js';
import { openDatabase } from '../../collector/dist/store/db.js';

const [dataDir, url, secret, mode] = process.argv.slice(2);
const db = openDatabase(dataDir);
const config = parseNotifyConfig({
  receivers: [{ name: 'oncall', url, secret, timeoutMs: 30_000 }],
  allowNetworks: ['127.0.0.0/8', '::1'],
  retry: { baseDelayMs: 50, maxDelayMs: 200, maxAttempts: 1_000, maxAgeMs: 600_000 },
});
const notifier = new Notifier({ db, config, log: createLogger('info') });
notifier.start();

if (mode === 'enqueue') {
  const now = Date.now();
  const ids = notifier.enqueue(
    {
      id: 'ntf-kill',
      groupKey: 'site=hq/rule=host_offline',
      status: 'firing',
      receiver: 'L1 helpdesk',
      groupLabels: { alertname: 'host_offline', site: 'hq' },
      alerts: [
        {
          id: 'alert-ws-031',
          status: 'firing',
          labels: { alertname: 'host_offline', host: 'h-031', hostname: 'WS-031', site: 'hq', severity: 'critical' },
          annotations: { summary: 'Workstation offline', description: 'No report for 5 min during business hours' },
          startsAt: now - 300_000,
          endsAt: null,
        },
      ],
      acknowledgeUrl: 'http://127.0.0.1:8080/ack/k1',
      boardUrl: 'http://127.0.0.1:8080/',
      timestamp: now,
    },
    ['oncall'],
  );
  console.log(JSON.stringify({ msg: 'enqueued', ids }));
}

process.once('SIGTERM', () => {
  notifier.stop().then(() => {
    db.close();
    process.exit(0);
  });
});
