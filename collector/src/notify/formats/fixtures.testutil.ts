import { readFileSync } from 'node:fs';
import type { Notification, NotificationAlert } from '../types.js';

const T0 = Date.UTC(2026, 2, 9, 1, 30, 0); // 2026-03-09T01:30:00Z

function diskAlert(host: string, id: string, free: number, severity: string, startsAt: number): NotificationAlert {
  return {
    id,
    status: 'firing',
    labels: { alertname: 'disk_free', host: id, hostname: host, site: 'hq', group: 'finance', check: 'disk_free', severity, tier: 'L1' },
    annotations: {
      summary: 'Disk space low',
      description: `Disk C: ${free}% free (needs 10%)`,
      runbook_url: 'https://wiki.example.com/runbooks/disk-free',
    },
    startsAt,
    endsAt: null,
    url: `https://siaga.example.com/hosts/${id}`,
  };
}

/** Two finance PCs at hq low on disk, paged to L1. */
export const firing: Notification = {
  id: 'ntf-0001',
  groupKey: 'site=hq/rule=disk_free',
  status: 'firing',
  receiver: 'L1 helpdesk',
  groupLabels: { alertname: 'disk_free', site: 'hq' },
  alerts: [diskAlert('WS-014', 'h-014', 3, 'warning', T0), diskAlert('WS-022', 'h-022', 1, 'critical', T0 + 60_000)],
  acknowledgeUrl: 'https://siaga.example.com/ack/7f3a9c',
  boardUrl: 'https://siaga.example.com/',
  timestamp: T0 + 120_000,
};

/** The same group once WS-022 recovered and WS-014 was fixed too. */
export const resolved: Notification = {
  ...firing,
  id: 'ntf-0002',
  status: 'resolved',
  alerts: firing.alerts.map((a) => ({ ...a, status: 'resolved', endsAt: T0 + 900_000 })),
  timestamp: T0 + 900_000,
};

/** Someone at L1 took it. */
export const acknowledged: Notification = { ...firing, id: 'ntf-0003', acknowledgedBy: 'rina', timestamp: T0 + 300_000 };

/** A whole floor offline at once: 13 hosts, one notification. */
export const outage: Notification = {
  id: 'ntf-0004',
  groupKey: 'site=branch-2/rule=offline',
  status: 'firing',
  receiver: 'L2 technicians',
  groupLabels: { alertname: 'host_offline', site: 'branch-2' },
  alerts: Array.from({ length: 13 }, (_, i): NotificationAlert => {
    const n = String(i + 1).padStart(3, '0');
    return {
      id: `h-b${n}`,
      status: 'firing',
      labels: { alertname: 'host_offline', host: `h-b${n}`, hostname: `BR2-${n}`, site: 'branch-2', severity: 'critical' },
      annotations: { summary: 'Workstation offline', description: 'No report for 5 min 12 s during business hours' },
      startsAt: T0,
      endsAt: null,
    };
  }),
  acknowledgeUrl: 'https://siaga.example.com/ack/b2off',
  boardUrl: 'https://siaga.example.com/',
  timestamp: T0 + 330_000,
};

/** A checked-in expected payload from testdata/. */
export function golden(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./testdata/${name}.json`, import.meta.url), 'utf8'));
}
