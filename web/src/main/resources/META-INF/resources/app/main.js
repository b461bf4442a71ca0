import { h, mount } from './dom.js';
import { t, setLanguage, pickLanguage, lang } from './i18n.js';
import { me, signIn } from './api.js';
import { session, hasRole, showError } from './state.js';
import * as browse from './views/browse.js';
import * as chat from './views/chat.js';
import * as feed from './views/feed.js';
import * as create from './views/create.js';
import * as moderation from './views/moderation.js';

const routes = [
  [/^(?:#\/?)?(?:\?.*)?$/, browse.home],
  [/^#\/characters\/([^/]+)$/, browse.character],
  [/^#\/worlds(?:\?.*)?$/, browse.worlds],
  [/^#\/worlds\/([^/]+)$/, browse.world],
  [/^#\/chat\/([^/]+)$/, chat.view],
  [/^#\/feed$/, feed.feed],
  [/^#\/posts\/([^/]+)$/, feed.post],
  [/^#\/profile\/([^/]+)$/, feed.profile],
  [/^#\/create$/, create.dashboard],
  [/^#\/create\/character(?:\/([^/]+))?$/, create.characterEditor],
  [/^#\/create\/world(?:\/([^/]+))?$/, create.worldEditor],
  [/^#\/create\/lorebook(?:\/([^/]+))?$/, create.lorebookEditor],
  [/^#\/create\/storyline\/([^/]+)(?:\/([^/]+))?$/, create.storylineEditor],
  [/^#\/moderation$/, moderation.queue],
  [/^#\/signed-in$/, signedIn],
];

function signedIn() {
  const next = sessionStorage.getItem('mopao.next') || '#/';
  sessionStorage.removeItem('mopao.next');
  location.replace(next.startsWith('#') ? next : '#/');
}

function renderChrome() {
  const u = session.user;
  const nav = document.getElementById('nav');
  nav.replaceChildren(...[
    h('a', { href: '#/' }, t('nav.characters')),
    h('a', { href: '#/worlds' }, t('nav.worlds')),
    h('a', { href: '#/feed' }, t('nav.feed')),
    u.authenticated && hasRole('creator') ? h('a', { href: '#/create' }, t('nav.create')) : null,
    u.authenticated && hasRole('moderator') ? h('a', { href: '#/moderation' }, t('nav.moderation')) : null,
  ].filter(Boolean));
  const user = document.getElementById('user');
  user.replaceChildren(u.authenticated
    ? h('span', { class: 'row' }, h('a', { href: `#/profile/${u.id}`, id: 'me', dir: 'auto' }, u.name),
      h('a', { href: '/logout', class: 'button secondary small', id: 'signout' }, t('nav.signout')))
    : h('button', { id: 'signin', onclick: signIn }, t('nav.signin')));
  const sel = document.getElementById('lang');
  sel.value = lang;
  document.title = t('app.title');
}

async function route() {
  const hash = location.hash || '#/';
  for (const [re, fn] of routes) {
    const m = hash.match(re);
    if (m) {
      mount(h('p', { class: 'loading' }, t('loading')));
      try {
        await fn(...m.slice(1).map((x) => (x === undefined ? undefined : decodeURIComponent(x))));
      } catch (e) {
        if (e?.code !== 'session_expired') showError(e);
      }
      window.scrollTo(0, 0);
      return;
    }
  }
  mount(h('section', {}, h('h1', {}, t('error.notfound')), h('a', { href: '#/' }, t('nav.home'))));
}

async function start() {
  await setLanguage(pickLanguage());
  session.user = await me().catch(() => ({ authenticated: false }));
  if (session.user.expired) {
    signIn();
    return;
  }
  document.getElementById('lang').addEventListener('change', async (e) => {
    await setLanguage(e.target.value);
    renderChrome();
    route();
  });
  renderChrome();
  window.addEventListener('hashchange', route);
  route();
}

start();
