import { api } from './api.js';
import { $ } from './dom.js';
import { fleet } from './fleet.js';

/** Whoever shows a maintenance log sets this to hear new entries. */
export const liveLog = { listener: null };
/** Whoever shows alerts sets this to hear changed alerts. */
export const liveAlerts = { listener: null };

let source = null;

/** Loads the whole fleet once the stream is open, then applies its deltas. */
export function connectLive(onSignedOut) {
  source?.close();
  source = new EventSource('/v1/events/stream');
  const dot = $('#live');
  source.addEventListener('hello', () => {
    dot?.classList.add('on');
    reloadFleet().catch(() => {});
  });
  source.addEventListener('hosts', (ev) => fleet.merge(JSON.parse(ev.data).hosts));
  source.addEventListener('alerts', (ev) => {
    const { alerts } = JSON.parse(ev.data);
    liveAlerts.listener?.(alerts);
    refreshAlertCount();
  });
  source.addEventListener('log', (ev) => liveLog.listener?.(JSON.parse(ev.data).entries));
  source.addEventListener('bye', () => {
    source.close();
    onSignedOut();
  });
  source.addEventListener('error', () => {
    dot?.classList.remove('on');
    // A refused reconnect (401) closes the stream for good: find out whether the session ended.
    if (source.readyState === EventSource.CLOSED) api('/v1/auth/me').then(() => setTimeout(() => connectLive(onSignedOut), 3000), () => {});
  });
}

export function disconnectLive() {
  source?.close();
  source = null;
}

export async function reloadFleet() {
  const { hosts } = await api('/v1/hosts');
  performance.mark('siaga:fleet-loaded');
  fleet.replace(hosts);
}

export async function refreshAlertCount() {
  const el = $('#alert-count');
  if (!el) return;
  try {
    const { alerts } = await api('/v1/alerts?state=firing&limit=1000');
    const open = alerts.filter((a) => !a.acknowledgedBy).length;
    el.textContent = String(open);
    el.hidden = open === 0;
  } catch {
    el.hidden = true;
  }
}
