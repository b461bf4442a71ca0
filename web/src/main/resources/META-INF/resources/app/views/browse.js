// Browse and search characters and worlds; character and world pages.
import { h, mount, text } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, signIn } from '../api.js';
import { session, hasRole } from '../state.js';

export function avatar(c, big) {
  return c.avatarUrl
    ? h('img', { class: big ? 'avatar big' : 'avatar', src: `/api/characters/${c.id}/avatar?v=${c.version}`, alt: '' })
    : h('div', { class: big ? 'avatar big' : 'avatar', 'aria-hidden': 'true' });
}

function tags(list) {
  return h('div', { class: 'tags' }, (list || []).map((x) => h('span', { class: 'tag', dir: 'auto' }, x)));
}

function characterCard(c) {
  return h('a', { class: 'card character-card', href: `#/characters/${c.id}`, 'data-id': c.id },
    h('div', { class: 'row' }, avatar(c), text('span', c.name, 'title')),
    text('span', c.description, 'muted'),
    tags(c.tags),
    h('span', { class: 'muted' }, t('by', { name: c.ownerName || c.creator || '' })));
}

function worldCard(w) {
  return h('a', { class: 'card world-card', href: `#/worlds/${w.id}` },
    text('span', w.title, 'title'), text('span', w.tone, 'muted'), tags(w.tags),
    h('span', { class: 'muted' }, t('by', { name: w.ownerName || '' })));
}

function searchForm(initial, onSearch) {
  const input = h('input', { type: 'search', name: 'q', value: initial || '', placeholder: t('search.placeholder'), dir: 'auto',
    maxlength: 200, 'aria-label': t('search.placeholder') });
  return h('form', { class: 'search', role: 'search', onsubmit: (e) => { e.preventDefault(); onSearch(input.value.trim()); } },
    input, h('button', { type: 'submit' }, t('search.go')));
}

export async function home() {
  const q = new URLSearchParams(location.hash.split('?')[1] || '').get('q') || '';
  const results = h('div', { class: 'grid', id: 'characters' }, h('p', { class: 'loading' }, t('loading')));
  const chats = h('div', { id: 'my-chats' });
  mount(h('section', {},
    chats,
    h('h1', {}, t('home.title')),
    searchForm(q, (v) => { location.hash = v ? `#/?q=${encodeURIComponent(v)}` : '#/'; }),
    results));
  if (session.user.authenticated && !q) {
    get('/api/sessions').then((list) => {
      if (!list.length) return;
      chats.replaceChildren(h('h2', {}, t('home.continue')), h('ul', {}, list.slice(0, 5).map((s) => h('li', {},
        h('a', { href: `#/chat/${s.id}`, dir: 'auto' }, s.title || t('chat.title'))))));
    }).catch(() => {});
  }
  const page = await get(`/api/characters?size=40${q ? '&q=' + encodeURIComponent(q) : ''}`);
  results.replaceChildren(...(page.items.length ? page.items.map(characterCard) : [h('p', { class: 'muted' }, t('empty.characters'))]));
}

export async function worlds() {
  const q = new URLSearchParams(location.hash.split('?')[1] || '').get('q') || '';
  const results = h('div', { class: 'grid', id: 'worlds' }, h('p', { class: 'loading' }, t('loading')));
  mount(h('section', {}, h('h1', {}, t('worlds.title')),
    searchForm(q, (v) => { location.hash = v ? `#/worlds?q=${encodeURIComponent(v)}` : '#/worlds'; }), results));
  const page = await get(`/api/worlds?size=40${q ? '&q=' + encodeURIComponent(q) : ''}`);
  const items = page.items || page;
  results.replaceChildren(...(items.length ? items.map(worldCard) : [h('p', { class: 'muted' }, t('empty.worlds'))]));
}

/** Starts a session with the character (and world) and opens the chat. */
export async function startChat(characterIds, worldId, button, storylineId) {
  if (!session.user.authenticated) {
    signIn();
    return;
  }
  if (button) button.disabled = true;
  try {
    const ids = Array.isArray(characterIds) ? characterIds : [characterIds];
    const s = await post('/api/sessions', { characterIds: ids, worldId: worldId || null, storylineId: storylineId || null });
    location.hash = `#/chat/${s.id}`;
  } catch (e) {
    if (button) {
      button.disabled = false;
      button.after(h('p', { class: 'error', dir: 'auto' }, e.message));
    }
  }
}

export async function character(id) {
  const c = await get(`/api/characters/${encodeURIComponent(id)}`);
  const k = c.content;
  const startBtn = h('button', { id: 'start-chat', onclick: (e) => startChat(c.id, null, e.target) }, t('character.start'));
  mount(h('article', { class: 'character' },
    h('div', { class: 'row' }, avatar(c, true), h('div', {},
      text('h1', k.name), k.nickname ? text('p', k.nickname, 'muted') : null,
      h('p', { class: 'muted' }, t('by', { name: c.ownerName || k.creator || '' })), tags(k.tags))),
    h('div', { class: 'row' }, startBtn,
      session.user.authenticated && session.user.id === c.ownerId
        ? h('a', { class: 'button secondary', href: `#/create/character/${c.id}` }, t('edit')) : null,
      h('a', { class: 'button secondary', href: `/api/characters/${c.id}/export?format=png`, download: '' }, t('character.export'))),
    h('h2', {}, t('character.description')), text('p', k.description),
    k.scenario ? [h('h2', {}, t('character.scenario')), text('p', k.scenario)] : null,
    k.firstMessage ? [h('h2', {}, t('character.greeting')), text('p', k.firstMessage)] : null,
    k.creatorNotes ? [h('h2', {}, t('character.notes')), text('p', k.creatorNotes)] : null));
}

export async function world(id) {
  const w = await get(`/api/worlds/${encodeURIComponent(id)}`);
  const storylines = await get(`/api/worlds/${encodeURIComponent(id)}/storylines`).catch(() => []);
  const cast = (await Promise.all((w.castCharacterIds || []).map((cid) => get(`/api/characters/${cid}`).catch(() => null))))
    .filter(Boolean);
  const storylineSel = storylines.length ? h('select', { id: 'storyline-select', 'aria-label': t('world.storylines') },
    h('option', { value: '' }, t('world.noStoryline')), storylines.map((s) => h('option', { value: s.id }, s.title))) : null;
  const group = cast.length > 1 ? h('div', { class: 'row' }, storylineSel,
    h('button', { id: 'start-group', onclick: (e) => startChat(cast.map((c) => c.id), w.id, e.target, storylineSel?.value) },
      t('world.startGroup'))) : null;
  mount(h('article', { class: 'world' },
    text('h1', w.title), h('p', { class: 'muted' }, t('by', { name: w.ownerName || '' })), tags(w.tags),
    session.user.authenticated && session.user.id === w.ownerId
      ? h('div', { class: 'row' }, h('a', { class: 'button secondary', href: `#/create/world/${w.id}` }, t('edit')),
        h('a', { class: 'button secondary', href: `#/create/storyline/${w.id}` }, t('create.storyline'))) : null,
    h('h2', {}, t('world.setting')), text('p', w.setting),
    w.rules ? [h('h2', {}, t('world.rules')), text('p', w.rules)] : null,
    (w.locations || []).length ? [h('h2', {}, t('world.locations')),
      h('ul', {}, w.locations.map((l) => h('li', {}, text('strong', l.name), ' — ', text('span', l.description))))] : null,
    h('h2', {}, t('world.cast')), group,
    h('div', { class: 'grid' }, cast.map((c) => h('div', { class: 'card' },
      h('a', { href: `#/characters/${c.id}`, class: 'row' }, avatar(c), text('span', c.content.name, 'title')),
      h('button', { class: 'small', onclick: (e) => startChat(c.id, w.id, e.target, storylineSel?.value) }, t('character.start'))))),
    storylines.length ? [h('h2', {}, t('world.storylines')),
      h('ul', {}, storylines.map((s) => h('li', {}, text('strong', s.title), ' ', text('span', s.description, 'muted'),
        hasRole('creator') && session.user.id === w.ownerId
          ? [' ', h('a', { href: `#/create/storyline/${w.id}/${s.id}` }, t('edit'))] : null)))] : null));
}
