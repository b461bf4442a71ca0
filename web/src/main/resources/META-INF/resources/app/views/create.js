// Creator tools: dashboard, character editor (card import by file drop, avatar upload, export), world, lorebook and
// storyline editors. Every error from the server is shown next to the field it names.
import { h, mount, toast } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, put, del, api, ApiError } from '../api.js';
import { requireUser, hasRole, showFormError } from '../state.js';
import { avatar } from './browse.js';

function creatorOnly() {
  if (!requireUser()) return false;
  if (!hasRole('creator')) {
    mount(h('p', { class: 'error' }, t('create.needsRole')));
    return false;
  }
  return true;
}

export async function dashboard() {
  if (!creatorOnly()) return;
  const [chars, worlds, books] = await Promise.all([get('/api/characters?mine=true&size=50'), get('/api/worlds/mine'),
    get('/api/lorebooks/mine').catch(() => [])]);
  mount(h('section', {}, h('h1', {}, t('nav.create')),
    h('div', { class: 'row' }, h('a', { class: 'button', href: '#/create/character', id: 'new-character' }, t('create.newCharacter')),
      h('a', { class: 'button', href: '#/create/world' }, t('create.newWorld')),
      h('a', { class: 'button', href: '#/create/lorebook' }, t('create.newLorebook'))),
    importZone(),
    h('h2', {}, t('nav.characters')),
    h('ul', {}, chars.items.map((c) => h('li', {}, h('a', { href: `#/create/character/${c.id}`, dir: 'auto' }, c.name),
      ' ', h('span', { class: 'muted' }, c.visibility)))),
    h('h2', {}, t('nav.worlds')),
    h('ul', {}, worlds.map((w) => h('li', {}, h('a', { href: `#/create/world/${w.id}`, dir: 'auto' }, w.title), ' · ',
      h('a', { href: `#/create/storyline/${w.id}` }, t('create.storyline'))))),
    h('h2', {}, t('create.lorebooks')),
    h('ul', {}, books.map((b) => h('li', {}, h('a', { href: `#/create/lorebook/${b.id}`, dir: 'auto' }, b.name))))));
}

/** Drop a card file (JSON, PNG, CHARX) to import it. */
function importZone() {
  const msg = h('p', { class: 'muted', id: 'import-message' }, t('create.dropCard'));
  const input = h('input', { type: 'file', id: 'card-file', name: 'card', accept: '.json,.png,.charx,application/json,image/png,application/zip' });
  const zone = h('div', { class: 'dropzone', id: 'dropzone' }, msg, input);
  const upload = async (file) => {
    if (!file) return;
    msg.className = 'muted';
    msg.textContent = t('loading');
    try {
      const c = await api('POST', '/api/characters/import?visibility=private', file);
      location.hash = `#/create/character/${c.id}`;
    } catch (e) {
      msg.className = 'error';
      msg.textContent = e.message + (e.details?.length ? ' — ' + e.details.join('; ') : '');
    }
  };
  input.addEventListener('change', () => upload(input.files[0]));
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    upload(e.dataTransfer.files[0]);
  });
  return zone;
}

function field(label, name, value, opts = {}) {
  const attrs = { name, dir: 'auto', value: value ?? '', maxlength: opts.max, required: opts.required };
  const input = opts.area ? h('textarea', attrs) : h('input', { type: 'text', ...attrs });
  return h('label', {}, label, input);
}

function select(label, name, value, options) {
  return h('label', {}, label, h('select', { name }, options.map((o) => h('option', { value: o, selected: o === value }, t(`opt.${o}`)))));
}

const list = (s) => s.split(/[,，、]/).map((x) => x.trim()).filter(Boolean);

export async function characterEditor(id) {
  if (!creatorOnly()) return;
  let view = null;
  let etag = null;
  if (id) {
    const r = await get(`/api/characters/${encodeURIComponent(id)}`, { withEtag: true });
    view = r.data;
    etag = r.etag;
  }
  const c = view ? view.content : {};
  const form = h('form', { class: 'editor', id: 'character-form', novalidate: true },
    field(t('f.name'), 'name', c.name, { max: 200 }),
    field(t('f.nickname'), 'nickname', c.nickname),
    field(t('f.description'), 'description', c.description, { area: true }),
    field(t('f.personality'), 'personality', c.personality, { area: true }),
    field(t('f.scenario'), 'scenario', c.scenario, { area: true }),
    field(t('f.firstMessage'), 'firstMessage', c.firstMessage, { area: true }),
    field(t('f.exampleMessages'), 'exampleMessages', c.exampleMessages, { area: true }),
    field(t('f.systemPrompt'), 'systemPrompt', c.systemPrompt, { area: true }),
    field(t('f.postHistoryInstructions'), 'postHistoryInstructions', c.postHistoryInstructions, { area: true }),
    field(t('f.creatorNotes'), 'creatorNotes', c.creatorNotes, { area: true }),
    field(t('f.tags'), 'tags', (c.tags || []).join(', ')),
    select(t('f.visibility'), 'visibility', c.visibility || 'public', ['public', 'unlisted', 'private']),
    select(t('f.contentRating'), 'contentRating', c.contentRating || 'general', ['general', 'teen', 'mature']),
    h('div', { class: 'row' }, h('button', { type: 'submit', id: 'save' }, t('save')),
      view ? h('button', { type: 'button', class: 'secondary', onclick: async () => {
        if (!confirm(t('confirm.delete'))) return;
        await del(`/api/characters/${view.id}`).then(() => { location.hash = '#/create'; }).catch((e) => showFormError(form, e));
      } }, t('delete')) : null));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = Object.fromEntries(new FormData(form));
    const content = { ...c, ...v, tags: list(v.tags || '') };
    try {
      const saved = view
        ? await put(`/api/characters/${view.id}`, content, { headers: { 'If-Match': etag || '*' } })
        : await post('/api/characters', content);
      toast(t('saved'));
      location.hash = `#/characters/${saved.id}`;
    } catch (err) {
      showFormError(form, err);
    }
  });
  const avatarBox = view ? h('div', { class: 'row', id: 'avatar-box' }, avatar(view, true),
    h('label', {}, t('create.avatar'), h('input', { type: 'file', name: 'avatar', accept: 'image/png,image/jpeg,image/webp,image/gif',
      onchange: async (e) => {
        const f = e.target.files[0];
        if (!f) return;
        try {
          await api('PUT', `/api/characters/${view.id}/avatar`, f);
          characterEditor(view.id);
        } catch (err) {
          e.target.after(h('span', { class: 'field-error', dir: 'auto' }, err.message));
        }
      } })),
    h('a', { class: 'button secondary', href: `/api/characters/${view.id}/export?format=json`, download: '' }, t('create.exportJson')),
    h('a', { class: 'button secondary', href: `/api/characters/${view.id}/export?format=png`, download: '' }, t('create.exportPng'))) : null;
  mount(h('section', {}, h('h1', {}, view ? t('create.editCharacter') : t('create.newCharacter')),
    view ? avatarBox : importZone(), form));
}

export async function worldEditor(id) {
  if (!creatorOnly()) return;
  let w = {};
  let etag = null;
  if (id) {
    const r = await get(`/api/worlds/${encodeURIComponent(id)}`, { withEtag: true });
    w = r.data;
    etag = r.etag;
  }
  const locs = (w.locations || []).map((l) => `${l.name}: ${l.description || ''}`).join('\n');
  const form = h('form', { class: 'editor', id: 'world-form', novalidate: true },
    field(t('f.title'), 'title', w.title),
    field(t('f.setting'), 'setting', w.setting, { area: true }),
    field(t('f.rules'), 'rules', w.rules, { area: true }),
    field(t('f.tone'), 'tone', w.tone),
    h('label', {}, t('f.locations'), h('textarea', { name: 'locations', dir: 'auto', value: locs, placeholder: t('f.locationsHint') })),
    field(t('f.cast'), 'castCharacterIds', (w.castCharacterIds || []).join(', ')),
    field(t('f.tags'), 'tags', (w.tags || []).join(', ')),
    select(t('f.visibility'), 'visibility', w.visibility || 'public', ['public', 'unlisted', 'private']),
    select(t('f.contentRating'), 'contentRating', w.contentRating || 'general', ['general', 'teen', 'mature']),
    h('button', { type: 'submit', id: 'save' }, t('save')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = Object.fromEntries(new FormData(form));
    const body = { ...w, ...v, tags: list(v.tags || ''), castCharacterIds: list(v.castCharacterIds || ''),
      locations: (v.locations || '').split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
        const i = l.search(/[:：]/);
        return i < 0 ? { name: l, description: '' } : { name: l.slice(0, i).trim(), description: l.slice(i + 1).trim() };
      }) };
    try {
      const saved = w.id ? await put(`/api/worlds/${w.id}`, body, { headers: { 'If-Match': etag || `"${w.version}"` } })
        : await post('/api/worlds', body);
      toast(t('saved'));
      location.hash = `#/worlds/${saved.id}`;
    } catch (err) {
      showFormError(form, err);
    }
  });
  mount(h('section', {}, h('h1', {}, w.id ? t('create.editWorld') : t('create.newWorld')), form));
}

export async function lorebookEditor(id) {
  if (!creatorOnly()) return;
  let b = { entries: [] };
  let etag = null;
  if (id) {
    const r = await get(`/api/lorebooks/${encodeURIComponent(id)}`, { withEtag: true });
    b = r.data;
    etag = r.etag;
  }
  const entries = h('div', { id: 'entries' });
  const addEntry = (en = {}) => entries.append(h('fieldset', { class: 'entry' },
    field(t('f.keys'), 'keys', (en.keys || []).join(', ')),
    field(t('f.secondaryKeys'), 'secondaryKeys', (en.secondaryKeys || []).join(', ')),
    field(t('f.content'), 'content', en.content, { area: true }),
    h('label', { class: 'row' }, h('input', { type: 'checkbox', name: 'constant', checked: en.constant }), t('f.constant')),
    h('button', { type: 'button', class: 'small secondary', onclick: (e) => e.target.closest('fieldset').remove() }, t('delete'))));
  (b.entries || []).forEach(addEntry);
  const form = h('form', { class: 'editor', id: 'lorebook-form', novalidate: true },
    field(t('f.name'), 'name', b.name), field(t('f.description'), 'description', b.description, { area: true }),
    field(t('f.worldIds'), 'worldIds', (b.worldIds || []).join(', ')),
    h('h2', {}, t('create.entries')), entries,
    h('button', { type: 'button', class: 'secondary', onclick: () => addEntry() }, t('create.addEntry')),
    h('button', { type: 'submit', id: 'save' }, t('save')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { ...b, name: form.elements.name.value, description: form.elements.description.value,
      worldIds: list(form.elements.worldIds.value),
      entries: [...entries.querySelectorAll('fieldset')].map((fs, i) => ({ ...(b.entries?.[i] || {}),
        keys: list(fs.querySelector('[name=keys]').value), secondaryKeys: list(fs.querySelector('[name=secondaryKeys]').value),
        content: fs.querySelector('[name=content]').value, constant: fs.querySelector('[name=constant]').checked })) };
    try {
      const saved = b.id ? await put(`/api/lorebooks/${b.id}`, body, { headers: { 'If-Match': etag || `"${b.version}"` } })
        : await post('/api/lorebooks', body);
      toast(t('saved'));
      location.hash = `#/create/lorebook/${saved.id}`;
    } catch (err) {
      showFormError(form, err);
    }
  });
  mount(h('section', {}, h('h1', {}, t('create.lorebook')), form));
}

export async function storylineEditor(worldId, id) {
  if (!creatorOnly()) return;
  let s = { chapters: [] };
  let etag = null;
  if (id) {
    const r = await get(`/api/storylines/${encodeURIComponent(id)}`, { withEtag: true });
    s = r.data;
    etag = r.etag;
  }
  const chapters = h('textarea', { name: 'chapters', dir: 'auto', class: 'code', rows: 14,
    value: JSON.stringify(s.chapters?.length ? s.chapters : [{ id: 'c1', title: '', beats: [{ id: 'b1', title: '', goal: '',
      narratorDirection: '', advanceWhen: [], nextBeatIds: [], ending: true }] }], null, 2) });
  const form = h('form', { class: 'editor', id: 'storyline-form', novalidate: true },
    field(t('f.title'), 'title', s.title), field(t('f.description'), 'description', s.description, { area: true }),
    field(t('f.startBeatId'), 'startBeatId', s.startBeatId || 'b1'),
    h('label', {}, t('f.chapters'), chapters),
    h('button', { type: 'submit', id: 'save' }, t('save')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    let parsed;
    try {
      parsed = JSON.parse(chapters.value);
    } catch (err) {
      showFormError(form, new ApiError(400, { message: t('create.badJson'), details: [`chapters: ${err.message}`] }));
      return;
    }
    const body = { title: form.elements.title.value, description: form.elements.description.value,
      startBeatId: form.elements.startBeatId.value, chapters: parsed };
    try {
      if (s.id) await put(`/api/storylines/${s.id}`, body, { headers: { 'If-Match': etag || `"${s.version}"` } });
      else await post(`/api/worlds/${encodeURIComponent(worldId)}/storylines`, body);
      toast(t('saved'));
      location.hash = `#/worlds/${worldId}`;
    } catch (err) {
      showFormError(form, err);
    }
  });
  mount(h('section', {}, h('h1', {}, t('create.storyline')), form));
}

