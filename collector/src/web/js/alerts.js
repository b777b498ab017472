import { api, can, session } from './api.js';
import { ago, h, time, toast } from './dom.js';
import { fleet } from './fleet.js';
import { liveAlerts, refreshAlertCount } from './live.js';

const hostName = (a) => a.labels.hostname ?? fleet.get(a.hostId)?.hostname ?? a.labels.site ?? a.hostId;

function acknowledge(a, done) {
  return h(
    'button',
    {
      type: 'button',
      class: 'primary',
      dataset: { ack: a.id },
      on: {
        click: () =>
          api(`/v1/alerts/${a.id}/ack`, { method: 'POST', body: { by: session.user.name } }).then(
            () => {
              toast(`Acknowledged ${a.rule} on ${hostName(a)}`);
              refreshAlertCount();
              done();
            },
            (e) => toast(e.message),
          ),
      },
    },
    'Acknowledge',
  );
}

/** One alert as a table row; operators get Acknowledge and Silence. */
export function alertRow(a, done, { host = true } = {}) {
  const state = a.state === 'firing' ? (a.acknowledgedBy ? `firing · acknowledged by ${a.acknowledgedBy}` : 'firing') : a.state;
  const actions = [];
  if (can('operator') && a.state === 'firing' && !a.acknowledgedBy) actions.push(acknowledge(a, done));
  if (can('operator') && a.state !== 'resolved') actions.push(h('button', { type: 'button', on: { click: (ev) => ev.target.replaceWith(silenceForm(a, done)) } }, 'Silence…'));
  return h(
    'tr',
    { dataset: { alert: a.id, state: a.state } },
    host ? h('td', {}, h('a', { href: a.hostId.includes(':') || a.hostId === 'collector' ? '#/alerts' : `#/host/${a.hostId}` }, hostName(a))) : null,
    h('td', {}, a.rule.replace(/_/g, ' ')),
    h('td', {}, a.reason),
    h('td', { class: a.state === 'firing' ? 'st-fail' : '' }, state, a.suppressedBy ? ` (${a.suppressedBy})` : ''),
    h('td', { title: time(a.activeSince) }, ago(a.activeSince)),
    h('td', {}, actions),
  );
}

function silenceForm(a, done) {
  const hours = h('select', { 'aria-label': 'Silence for' }, [1, 4, 8, 24, 72].map((n) => h('option', { value: n }, `${n} h`)));
  const comment = h('input', { required: true, placeholder: 'Why', 'aria-label': 'Silence comment' });
  const scope = h('select', { 'aria-label': 'Silence scope' }, h('option', { value: 'host' }, 'this rule on this machine'), h('option', { value: 'site' }, 'this rule at this site'));
  return h(
    'form',
    {
      class: 'inline',
      on: {
        submit: (ev) => {
          ev.preventDefault();
          const matchers = [{ name: 'alertname', op: '=', value: a.rule }];
          if (scope.value === 'host' && a.labels.host) matchers.push({ name: 'host', op: '=', value: a.labels.host });
          else if (a.labels.site) matchers.push({ name: 'site', op: '=', value: a.labels.site });
          api('/v1/silences', { method: 'POST', body: { matchers, durationSec: Number(hours.value) * 3600, createdBy: session.user.name, comment: comment.value } }).then(
            () => {
              toast('Silenced');
              done();
            },
            (e) => toast(e.message),
          );
        },
      },
    },
    scope,
    hours,
    comment,
    h('button', { type: 'submit' }, 'Silence'),
  );
}

function silencesCard(silences, done) {
  const active = silences.filter((s) => s.status !== 'expired');
  return h(
    'div',
    { class: 'card' },
    h('h2', {}, 'Silences'),
    active.length === 0
      ? h('p', { class: 'muted' }, 'No active silences.')
      : h(
          'table',
          {},
          h('tbody', {}, active.map((s) =>
            h(
              'tr',
              {},
              h('td', {}, s.matchers.map((m) => `${m.name}${m.op}${m.value}`).join(', ')),
              h('td', {}, `${s.status} until ${time(s.endsAt)}`),
              h('td', {}, `${s.createdBy}: ${s.comment}`),
              h('td', {}, can('operator') ? h('button', { type: 'button', class: 'danger', on: { click: () => api(`/v1/silences/${s.id}`, { method: 'DELETE' }).then(done, (e) => toast(e.message)) } }, 'End') : null),
            ),
          )),
        ),
  );
}

/** Open alerts (firing first) with acknowledge and silence, and the silences in force. */
export function alertsPage(main, params) {
  const state = params.get('state') ?? 'firing';
  const tabs = h('div', { class: 'actions' }, ['firing', 'pending', 'resolved', 'all'].map((s) => h('a', { href: `#/alerts?state=${s}`, class: s === state ? 'active' : '' }, s === state ? h('b', {}, s) : s)));
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  main.replaceChildren(h('h1', {}, 'Alerts'), tabs, body);
  let closed = false;
  async function load() {
    const [{ alerts }, { silences }] = await Promise.all([api(`/v1/alerts?limit=500${state === 'all' ? '' : `&state=${state}`}`), api('/v1/silences')]);
    if (closed) return;
    body.replaceChildren(
      h(
        'div',
        { class: 'card' },
        alerts.length === 0
          ? h('p', { class: 'muted' }, `No ${state === 'all' ? '' : `${state} `}alerts.`)
          : h('table', { id: 'alerts' }, h('thead', {}, h('tr', {}, ['Machine', 'Rule', 'Reason', 'State', 'Since', ''].map((t) => h('th', {}, t)))), h('tbody', {}, alerts.map((a) => alertRow(a, load)))),
      ),
      silencesCard(silences, load),
    );
  }
  load().catch((e) => body.replaceChildren(h('p', { class: 'error' }, e.message)));
  liveAlerts.listener = () => load().catch(() => {});
  return () => {
    closed = true;
    liveAlerts.listener = null;
  };
}
