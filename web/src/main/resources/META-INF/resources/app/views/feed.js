// Social feed: timeline and trending, a post with likes, comments and "play from here", creator profiles and follows.
import { h, mount, text, toast } from '../dom.js';
import { t, formatTime } from '../i18n.js';
import { get, post as apiPost, put, del, signIn } from '../api.js';
import { session, showFormError } from '../state.js';

function postCard(p) {
  return h('a', { class: 'card post-card', href: `#/posts/${p.id}`, 'data-id': p.id },
    text('span', p.title, 'title'), p.caption ? text('span', p.caption, 'muted') : null,
    h('div', {}, (p.preview || []).slice(0, 3).map((m) => h('p', { class: 'muted' }, text('strong', m.speakerName || m.role), ': ',
      text('span', m.content)))),
    h('span', { class: 'muted' }, t('by', { name: p.authorName || '' }), ' · ', formatTime(p.createdAt)),
    h('span', { class: 'muted' }, `♥ ${p.likeCount ?? 0} · 💬 ${p.commentCount ?? 0}`));
}

export async function feed() {
  const following = h('div', { class: 'grid', id: 'timeline' });
  const trending = h('div', { class: 'grid', id: 'trending' }, h('p', { class: 'loading' }, t('loading')));
  mount(h('section', {}, h('h1', {}, t('feed.title')),
    session.user.authenticated ? [h('h2', {}, t('feed.following')), following] : null,
    h('h2', {}, t('feed.trending')), trending));
  if (session.user.authenticated) {
    get('/api/timeline?limit=20').then((tl) => following.replaceChildren(...(tl.items.length ? tl.items.map(postCard)
      : [h('p', { class: 'muted' }, t('empty.timeline'))]))).catch((e) => following.replaceChildren(h('p', { class: 'error' }, e.message)));
  }
  const items = await get('/api/posts/trending?limit=30');
  trending.replaceChildren(...(items.length ? items.map(postCard) : [h('p', { class: 'muted' }, t('empty.feed'))]));
}

export async function post(id) {
  const p = await get(`/api/posts/${encodeURIComponent(id)}`);
  const likeBtn = h('button', { id: 'like', class: p.likedByMe ? '' : 'secondary', 'aria-pressed': String(!!p.likedByMe) },
    `♥ ${p.likeCount}`);
  likeBtn.onclick = async () => {
    if (!session.user.authenticated) return signIn();
    try {
      const s = p.likedByMe ? await del(`/api/posts/${p.id}/like`) : await put(`/api/posts/${p.id}/like`);
      p.likedByMe = s.liked;
      likeBtn.textContent = `♥ ${s.likeCount}`;
      likeBtn.className = s.liked ? '' : 'secondary';
      likeBtn.setAttribute('aria-pressed', String(s.liked));
    } catch (e) {
      toast(e.message);
    }
  };
  const comments = h('div', { id: 'comments' });
  const playFrom = async (messageId) => {
    if (!session.user.authenticated) return signIn();
    try {
      const s = await apiPost('/api/sessions/from-share', { shareId: p.shareId, fromMessageId: messageId || p.leafMessageId });
      location.hash = `#/chat/${s.id}`;
    } catch (e) {
      toast(e.message);
    }
  };
  mount(h('article', { class: 'post' },
    text('h1', p.title), p.caption ? text('p', p.caption) : null,
    h('p', { class: 'muted' }, h('a', { href: `#/profile/${p.authorId}` }, p.authorName), ' · ', formatTime(p.sharedAt || p.createdAt)),
    h('div', { class: 'row' }, likeBtn, h('button', { class: 'secondary', id: 'play-from-here', onclick: () => playFrom() },
      t('feed.play'))),
    h('div', { class: 'messages transcript' }, (p.messages || []).map((m) => h('div', { class: `msg ${m.role === 'user' ? 'user' : ''}` },
      h('div', { class: 'who', dir: 'auto' }, m.speakerName || m.role), text('div', m.content, 'body'),
      h('div', { class: 'tools' }, h('button', { class: 'small secondary', onclick: () => playFrom(m.id) }, t('feed.playHere')))))),
    h('h2', {}, t('feed.comments')), comments,
    h('button', { class: 'secondary small', onclick: async () => {
      if (!session.user.authenticated) return signIn();
      const reason = window.prompt(t('report.reason'));
      if (reason) await apiPost('/api/reports', { targetType: 'post', targetId: p.id, reason }).then(() => toast(t('report.sent')))
        .catch((e) => toast(e.message));
    } }, t('report'))));
  await renderComments(p, comments);
}

async function renderComments(p, box) {
  const list = await get(`/api/posts/${p.id}/comments`);
  const one = (c) => h('div', { class: 'comment' }, h('strong', { dir: 'auto' }, c.authorName), ' ', text('span', c.body),
    h('div', { class: 'replies' }, (c.replies || []).map(one)));
  const area = h('textarea', { name: 'body', dir: 'auto', maxlength: 4000, placeholder: t('feed.commentPlaceholder') });
  const form = h('form', { class: 'editor', onsubmit: async (e) => {
    e.preventDefault();
    if (!session.user.authenticated) return signIn();
    try {
      await apiPost(`/api/posts/${p.id}/comments`, { body: area.value });
      await renderComments(p, box);
    } catch (err) {
      showFormError(form, err);
    }
  } }, area, h('button', { type: 'submit' }, t('feed.comment')));
  box.replaceChildren(...list.map(one), form);
}

export async function profile(userId) {
  const p = await get(`/api/creators/${encodeURIComponent(userId)}`);
  const posts = await get(`/api/creators/${encodeURIComponent(userId)}/posts?limit=20`).catch(() => []);
  const followBtn = h('button', { id: 'follow', class: p.followedByMe ? 'secondary' : '' }, p.followedByMe ? t('profile.unfollow')
    : t('profile.follow'));
  followBtn.onclick = async () => {
    if (!session.user.authenticated) return signIn();
    try {
      const s = p.followedByMe ? await del(`/api/creators/${p.userId}/follow`) : await put(`/api/creators/${p.userId}/follow`);
      p.followedByMe = s.following ?? !p.followedByMe;
      followBtn.textContent = p.followedByMe ? t('profile.unfollow') : t('profile.follow');
    } catch (e) {
      toast(e.message);
    }
  };
  const mine = session.user.authenticated && session.user.id === p.userId;
  const bio = h('textarea', { name: 'bio', dir: 'auto', value: p.bio || '', maxlength: 2000 });
  const form = mine ? h('form', { class: 'editor', onsubmit: async (e) => {
    e.preventDefault();
    try {
      await put('/api/creators/me', { bio: bio.value, avatarUrl: p.avatarUrl });
      toast(t('saved'));
    } catch (err) {
      showFormError(form, err);
    }
  } }, h('label', {}, t('profile.bio'), bio), h('button', { type: 'submit' }, t('save'))) : null;
  mount(h('section', { class: 'profile' },
    text('h1', p.displayName || userId),
    mine ? form : text('p', p.bio),
    h('p', { class: 'muted' }, t('profile.stats', { followers: p.followers, following: p.following, posts: p.posts })),
    mine ? null : followBtn,
    h('h2', {}, t('nav.worlds')),
    h('ul', {}, (p.worlds || []).map((w) => h('li', {}, h('a', { href: `#/worlds/${w.id}`, dir: 'auto' }, w.title)))),
    h('h2', {}, t('feed.posts')), h('div', { class: 'grid' }, posts.map(postCard))));
}
