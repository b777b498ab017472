import { accessPage } from './access.js';
import { alertsPage } from './alerts.js';
import { api, can, onUnauthorized, session } from './api.js';
import { auditPage } from './audit.js';
import { boardPage } from './board.js';
import { $ } from './dom.js';
import { hostPage } from './host.js';
import { kioskPage } from './kiosk.js';
import { connectLive, disconnectLive, liveAlerts, liveLog, refreshAlertCount, reloadFleet } from './live.js';
import { loginPage } from './login.js';
import { reportsPage } from './reports.js';

const main = $('#main');
const kiosk = new URLSearchParams(location.search).get('kiosk') === '1';
let leave = () => {};
let signingIn = false;

/** `#/host/<id>`, `#/alerts?state=firing`, `#/?site=hq`… */
function route() {
  leave();
  liveLog.listener = null;
  liveAlerts.listener = null;
  const [path, query] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query ?? '');
  const parts = (path || '/').split('/').filter(Boolean);
  const page = kiosk ? 'kiosk' : parts[0] ?? 'board';
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.page === page);
  if (page === 'kiosk') leave = kioskPage(main, new URLSearchParams(location.search), () => reloadFleet().catch(() => {}));
  else if (page === 'host' && parts[1]) leave = hostPage(main, decodeURIComponent(parts[1]));
  else if (page === 'alerts') leave = alertsPage(main, params);
  else if (page === 'reports') leave = reportsPage(main, params);
  else if (page === 'access') leave = accessPage(main);
  else if (page === 'audit' && can('admin')) leave = auditPage(main);
  else leave = boardPage(main, params);
}

async function signIn() {
  if (signingIn) return;
  signingIn = true;
  disconnectLive();
  leave();
  leave = () => {};
  $('#top').hidden = true;
  session.user = await loginPage(main);
  signingIn = false;
  start();
}

function start() {
  $('#top').hidden = kiosk;
  $('#me').textContent = `${session.user.name} · ${session.user.role}`;
  for (const a of document.querySelectorAll('#nav a[data-role]')) a.hidden = !can(a.dataset.role);
  connectLive(signIn);
  refreshAlertCount();
  route();
}

onUnauthorized(() => signIn());
window.addEventListener('hashchange', () => session.user && route());
$('#logout').addEventListener('click', async () => {
  await api('/v1/auth/logout', { method: 'POST' }).catch(() => {});
  session.user = null;
  signIn();
});

api('/v1/auth/me').then(
  (me) => {
    session.user = me;
    start();
  },
  () => signIn(),
);
