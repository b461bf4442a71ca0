import { h, mount } from './dom.js';
import { t } from './i18n.js';
import { signIn, ApiError } from './api.js';

export const session = { user: { authenticated: false } };

/** Shows a page that needs a signed-in user, or a sign-in prompt. */
export function requireUser() {
  if (session.user.authenticated) return true;
  mount(h('section', {}, h('h1', {}, t('signin.required')), h('button', { onclick: signIn, id: 'signin-required' }, t('nav.signin'))));
  return false;
}

export function hasRole(role) {
  return (session.user.roles || []).includes(role) || (session.user.roles || []).includes('admin');
}

/** A page's failure: the server's message, never a stack trace. */
export function showError(e) {
  const msg = e instanceof ApiError ? e.message : t('error.generic');
  const status = e instanceof ApiError && e.status ? ` (${e.status})` : '';
  mount(h('section', {}, h('h1', {}, t('error.title')), h('p', { class: 'error', dir: 'auto' }, msg + status),
    h('a', { href: '#/' }, t('nav.home'))));
}


/**
 * Puts the server's message next to the fields it names (details "field: message"), and the overall message at the
 * top of the form. Returns true when the error was shown.
 */
export function showFormError(form, e) {
  form.querySelectorAll('.field-error, .form-error').forEach((n) => n.remove());
  const msg = e instanceof ApiError ? e.message : t('error.generic');
  let placed = false;
  if (e instanceof ApiError) {
    for (const d of e.details) {
      // character-service writes "name: required", world-service "title is required": the first word names the field
      const m = typeof d === 'string' ? d.match(/^([A-Za-z][\w.]*)(:?)\s/) : null;
      if (!m) continue;
      const input = form.querySelector(`[name="${CSS.escape(m[1])}"]`);
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        input.after(h('span', { class: 'field-error', dir: 'auto', 'data-field': m[1] }, m[2] ? d.slice(d.indexOf(':') + 1).trim() : d));
        placed = true;
      }
    }
  }
  const details = e instanceof ApiError && !placed && e.details.length ? ' — ' + e.details.join('; ') : '';
  form.prepend(h('p', { class: 'form-error error', role: 'alert', dir: 'auto' }, msg + details));
  return true;
}
