// Moderator queue: open reports, hide or dismiss.
import { h, mount, text, toast } from '../dom.js';
import { t, formatTime } from '../i18n.js';
import { get, post } from '../api.js';
import { requireUser, hasRole } from '../state.js';

export async function queue() {
  if (!requireUser()) return;
  if (!hasRole('moderator')) {
    mount(h('p', { class: 'error' }, t('moderation.needsRole')));
    return;
  }
  const reports = await get('/api/moderation/reports?status=open');
  const act = async (r, action) => {
    try {
      await post('/api/moderation/actions', { action, targetType: r.targetType, targetId: r.targetId, reason: r.reason });
      toast(t('saved'));
      queue();
    } catch (e) {
      toast(e.message);
    }
  };
  mount(h('section', {}, h('h1', {}, t('nav.moderation')),
    reports.length ? h('ul', { id: 'reports' }, reports.map((r) => h('li', { class: 'card' },
      h('span', {}, `${r.targetType} `, r.targetType === 'post' ? h('a', { href: `#/posts/${r.targetId}` }, r.targetId) : r.targetId),
      text('span', r.reason), h('span', { class: 'muted' }, formatTime(r.createdAt)),
      h('div', { class: 'row' }, h('button', { class: 'small', onclick: () => act(r, 'hide') }, t('moderation.hide')),
        h('button', { class: 'small secondary', onclick: () => act(r, 'restore') }, t('moderation.restore'))))))
      : h('p', { class: 'muted' }, t('moderation.empty'))));
}
