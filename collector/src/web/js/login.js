import { api } from './api.js';
import { h } from './dom.js';

/** The sign-in form; resolves once signed in. */
export function loginPage(main) {
  return new Promise((resolve) => {
    const name = h('input', { name: 'name', autocomplete: 'username', required: true, autofocus: true });
    const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
    const message = h('p', { class: 'error', role: 'alert' });
    const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
    const form = h(
      'form',
      {
        class: 'login',
        id: 'login',
        on: {
          submit: async (ev) => {
            ev.preventDefault();
            button.disabled = true;
            message.textContent = '';
            try {
              const r = await api('/v1/auth/login', { method: 'POST', body: { name: name.value, password: password.value } });
              resolve(r.user);
            } catch (e) {
              message.textContent = e.status === 429 ? e.message : e.status === 401 ? 'Wrong user name or password.' : e.message;
              password.value = '';
            } finally {
              button.disabled = false;
            }
          },
        },
      },
      h('h1', {}, 'siaga'),
      h('p', { class: 'muted' }, 'Is every workstation ready for use?'),
      h('label', {}, 'User name', name),
      h('label', {}, 'Password', password),
      button,
      message,
    );
    main.replaceChildren(form);
    name.focus();
  });
}
