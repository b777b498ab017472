import { api, can, session } from './api.js';
import { h, time, toast } from './dom.js';

function tokenTable(tokens, revoke) {
  if (tokens.length === 0) return h('p', { class: 'muted' }, 'No API tokens.');
  return h(
    'table',
    {},
    h('thead', {}, h('tr', {}, ['Id', 'User', 'Label', 'Expires', 'Last used', ''].map((t) => h('th', {}, t)))),
    h('tbody', {}, tokens.map((t) => h('tr', {}, h('td', {}, t.id), h('td', {}, t.user), h('td', {}, t.name), h('td', {}, time(t.expiresAt)), h('td', {}, time(t.lastUsedAt)), h('td', {}, t.revokedAt ? 'revoked' : t.expiresAt < Date.now() ? 'expired' : h('button', { type: 'button', class: 'danger', on: { click: () => revoke(t) } }, 'Revoke'))))),
  );
}

/** One's own API tokens; for admins also every account and every token. */
export function accessPage(main) {
  const own = h('div', {});
  const admin = h('div', {});
  const shown = h('pre', { id: 'new-token', hidden: true });
  main.replaceChildren(h('h1', {}, 'Access'), h('p', {}, `Signed in as ${session.user.name} (${session.user.role}).`), own, admin);

  async function load() {
    const mine = await api('/v1/auth/tokens');
    const label = h('input', { required: true, placeholder: 'What the token is for', 'aria-label': 'Token label' });
    const days = h('select', { 'aria-label': 'Expires in' }, [30, 90, 365].map((d) => h('option', { value: d, selected: d === 90 }, `${d} days`)));
    own.replaceChildren(
      h(
        'div',
        { class: 'card' },
        h('h2', {}, 'My API tokens'),
        h('p', { class: 'muted' }, 'For scripts: send it as “Authorization: Bearer <token>”. It acts with your role.'),
        h('form', { class: 'inline', on: { submit: (ev) => (ev.preventDefault(), create(label.value, Number(days.value))) } }, label, days, h('button', { type: 'submit' }, 'Create token')),
        shown,
        tokenTable(mine.tokens, (t) => api(`/v1/auth/tokens/${t.id}`, { method: 'DELETE' }).then(load)),
      ),
    );
    if (!can('admin')) return;
    const [{ users }, { tokens }] = await Promise.all([api('/v1/users'), api('/v1/tokens')]);
    const name = h('input', { required: true, placeholder: 'name', 'aria-label': 'New user name' });
    const role = h('select', { 'aria-label': 'Role' }, ['viewer', 'operator', 'admin'].map((r) => h('option', { value: r }, r)));
    const password = h('input', { type: 'password', required: true, minlength: 10, placeholder: 'password (10+ characters)', autocomplete: 'new-password', 'aria-label': 'Password' });
    admin.replaceChildren(
      h(
        'div',
        { class: 'card' },
        h('h2', {}, 'Accounts'),
        h(
          'table',
          {},
          h('tbody', {}, users.map((u) => h('tr', {}, h('td', {}, u.name), h('td', {}, u.role), h('td', {}, u.disabled ? 'disabled' : 'active'), h('td', {}, `since ${time(u.createdAt)}`)))),
        ),
        h(
          'form',
          {
            class: 'inline',
            on: {
              submit: (ev) => {
                ev.preventDefault();
                api('/v1/users', { method: 'POST', body: { name: name.value, role: role.value, password: password.value } }).then(() => (toast('Account created'), load()), (e) => toast(e.message));
              },
            },
          },
          name,
          role,
          password,
          h('button', { type: 'submit' }, 'Add account'),
        ),
      ),
      h('div', { class: 'card' }, h('h2', {}, 'All API tokens'), tokenTable(tokens, (t) => api(`/v1/tokens/${t.id}`, { method: 'DELETE' }).then(load))),
    );
  }

  async function create(label, days) {
    try {
      const t = await api('/v1/auth/tokens', { method: 'POST', body: { name: label, expires: `${days}d` } });
      shown.hidden = false;
      shown.textContent = `New token (shown only now):\n${t.token}`;
      await load();
    } catch (e) {
      toast(e.message);
    }
  }

  load().catch((e) => main.append(h('p', { class: 'error' }, e.message)));
  return () => {};
}
