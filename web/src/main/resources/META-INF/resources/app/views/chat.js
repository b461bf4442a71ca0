// Chat view: one WebSocket per session through the gateway (/api/sessions/{id}/stream), token streaming, stop,
// regenerate and swipes, edit, delete, branch and branch switcher, continue, the prompt inspector, group scenes,
// storyline progress and sharing.
import { h, mount, text, toast } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, put, del, api } from '../api.js';
import { requireUser } from '../state.js';

let current = null; // the open chat (closed when the page changes)

window.addEventListener('hashchange', () => {
  if (current && !location.hash.startsWith(`#/chat/${current.id}`)) {
    current.close();
    current = null;
  }
});

export async function view(id) {
  if (!requireUser()) return;
  if (current) current.close();
  current = new Chat(id);
  await current.open();
}

class Chat {
  constructor(id) {
    this.id = id;
    this.base = `/api/sessions/${encodeURIComponent(id)}`;
    this.messages = [];
    this.tree = [];
    this.streams = new Map(); // turnId -> { el, attemptId, text }
    this.closed = false;
  }

  async open() {
    this.session = await get(this.base);
    this.list = h('div', { class: 'messages', id: 'messages', role: 'log', 'aria-live': 'polite' });
    this.input = h('textarea', { id: 'composer', name: 'text', dir: 'auto', rows: 1, maxlength: 8000, placeholder: t('chat.placeholder'),
      onkeydown: (e) => {
        // Enter sends; never while an input method (Chinese, Japanese...) is composing
        if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
          e.preventDefault();
          this.say();
        }
      } });
    this.sendBtn = h('button', { id: 'send', onclick: () => this.say() }, t('chat.send'));
    this.stopBtn = h('button', { id: 'stop', class: 'secondary', hidden: true, onclick: () => this.send({ type: 'stop' }) }, t('chat.stop'));
    this.status = h('p', { class: 'muted', id: 'chat-status' });
    this.storyline = h('div', { id: 'storyline' });
    this.speaker = this.session.characterIds.length > 1
      ? h('select', { id: 'speaker', 'aria-label': t('chat.speaker') }, h('option', { value: '' }, t('chat.speaker.auto'))) : null;
    mount(h('section', { class: 'chat' },
      h('div', { class: 'row' }, text('h1', this.session.title || t('chat.title')),
        h('button', { class: 'secondary small', id: 'share', onclick: () => this.share() }, t('chat.share')),
        h('button', { class: 'secondary small', id: 'continue', onclick: () => this.send({ type: 'continue', speaker: this.speakerValue() }) },
          t('chat.continue')),
        this.speaker),
      this.storyline, this.status, this.list,
      h('div', { class: 'composer' }, this.input, this.stopBtn, this.sendBtn)));
    await this.reload();
    this.loadStoryline();
    this.loadSpeakers();
    this.connect();
  }

  speakerValue() {
    return this.speaker && this.speaker.value ? this.speaker.value : undefined;
  }

  async loadSpeakers() {
    if (!this.speaker) return;
    for (const cid of this.session.characterIds) {
      const c = await get(`/api/characters/${cid}`).catch(() => null);
      if (c) this.speaker.append(h('option', { value: c.content.name }, c.content.name));
    }
  }

  async loadStoryline() {
    if (!this.session.storylineId) return;
    try {
      const p = await get(`${this.base}/storyline`);
      this.storyline.replaceChildren(h('p', { class: 'muted', dir: 'auto' },
        t('chat.storyline', { title: p.title, chapter: p.chapter || '', beat: p.beatTitle || '' }), p.done ? ' ✓' : ''));
    } catch {
      this.storyline.replaceChildren();
    }
  }

  connect() {
    if (this.closed) return;
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}${this.base}/stream`);
    this.ws = ws;
    ws.onopen = () => { this.status.textContent = ''; };
    ws.onmessage = (e) => this.onFrame(JSON.parse(e.data));
    ws.onclose = () => {
      if (this.closed) return;
      this.status.textContent = t('chat.reconnecting');
      setTimeout(() => this.connect(), 2000);
    };
  }

  close() {
    this.closed = true;
    if (this.ws) this.ws.close();
  }

  send(frame) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
      this.status.textContent = t('chat.notconnected');
      return false;
    }
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  say() {
    const value = this.input.value.trim();
    if (!value) {
      this.input.focus();
      return;
    }
    if (this.send({ type: 'say', text: value, clientMessageId: crypto.randomUUID(), speaker: this.speakerValue() })) {
      this.input.value = '';
    }
  }

  busy(on) {
    this.stopBtn.hidden = !on;
    this.sendBtn.disabled = on;
  }

  onFrame(f) {
    switch (f.type) {
      case 'subscribed': this.status.textContent = ''; break;
      case 'message_saved':
        if (f.message && !this.messages.some((m) => m.id === f.message.id)) {
          this.messages.push(f.message);
          this.list.append(this.renderMessage(f.message));
          this.scroll();
        }
        break;
      case 'turn_started': {
        this.busy(true);
        const el = this.streamBubble(f.turnId, f.speaker);
        this.streams.set(f.turnId, { el, attemptId: null, text: '' });
        break;
      }
      case 'chunk': {
        let s = this.streams.get(f.turnId);
        if (!s) {
          s = { el: this.streamBubble(f.turnId, ''), attemptId: null, text: '' };
          this.streams.set(f.turnId, s);
        }
        if (s.attemptId !== f.attemptId) {
          s.attemptId = f.attemptId;
          s.text = '';
        }
        s.text += f.text;
        s.el.querySelector('.body').textContent = s.text;
        this.scroll();
        break;
      }
      case 'restart': {
        const s = this.streams.get(f.turnId);
        if (s) {
          s.text = '';
          s.el.querySelector('.body').textContent = '';
        }
        break;
      }
      case 'done':
        this.streams.delete(f.turnId);
        if (this.streams.size === 0) this.busy(false);
        if (f.error) this.status.textContent = f.error;
        this.reload().then(() => this.loadStoryline());
        break;
      case 'error':
        this.status.textContent = f.message + (f.retryAfterSeconds ? ' ' + t('chat.retry', { s: f.retryAfterSeconds }) : '');
        this.status.className = 'error';
        setTimeout(() => { this.status.className = 'muted'; }, 5000);
        if (this.streams.size === 0) this.busy(false);
        break;
      default: break;
    }
  }

  streamBubble(turnId, speaker) {
    const el = h('div', { class: 'msg assistant streaming', 'data-turn': turnId },
      h('div', { class: 'who', dir: 'auto' }, speaker || ''), h('div', { class: 'body user-text', dir: 'auto' }));
    this.list.append(el);
    this.scroll();
    return el;
  }

  scroll() {
    this.list.scrollTop = this.list.scrollHeight;
  }

  async reload() {
    const [messages, tree, session] = await Promise.all([get(`${this.base}/messages`), get(`${this.base}/tree`), get(this.base)]);
    this.messages = messages;
    this.tree = tree;
    this.session = session;
    const streaming = [...this.streams.values()].map((s) => s.el);
    this.list.replaceChildren(...messages.map((m) => this.renderMessage(m)), ...streaming);
    this.scroll();
  }

  siblings(m) {
    return this.tree.filter((x) => (x.parentId || null) === (m.parentId || null) && x.role === m.role)
      .sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt)));
  }

  renderMessage(m) {
    const isLast = this.messages.length && this.messages[this.messages.length - 1].id === m.id;
    const sibs = this.siblings(m);
    const idx = sibs.findIndex((x) => x.id === m.id);
    const body = text('div', m.content, 'body');
    const el = h('div', { class: `msg ${m.role === 'user' ? 'user' : 'assistant'}`, 'data-id': m.id },
      h('div', { class: 'who', dir: 'auto' }, m.speakerName || (m.role === 'user' ? t('chat.you') : '')), body);
    const tools = h('div', { class: 'tools' });
    if (sibs.length > 1) {
      tools.append(
        h('button', { class: 'small secondary swipe-left', disabled: idx <= 0, 'aria-label': t('chat.prev'),
          onclick: () => this.select(sibs[idx - 1]) }, '‹'),
        h('span', { class: 'muted swipe-pos' }, `${idx + 1}/${sibs.length}`),
        h('button', { class: 'small secondary swipe-right', disabled: idx >= sibs.length - 1, 'aria-label': t('chat.next'),
          onclick: () => this.select(sibs[idx + 1]) }, '›'));
    }
    if (m.role !== 'user' && isLast) {
      tools.append(h('button', { class: 'small secondary regenerate', onclick: () => this.send({ type: 'regenerate', messageId: m.id }) },
        t('chat.regenerate')));
    }
    tools.append(
      h('button', { class: 'small secondary edit', onclick: () => this.edit(m, el, body) }, t('edit')),
      h('button', { class: 'small secondary branch', onclick: () => this.branch(m) }, t('chat.branch')),
      h('button', { class: 'small secondary delete', onclick: () => this.remove(m) }, t('delete')));
    if (m.turnId) tools.append(h('button', { class: 'small secondary inspect', onclick: () => this.inspect(m, el) }, t('chat.prompt')));
    el.append(tools);
    return el;
  }

  async select(m) {
    await put(`${this.base}/active-leaf`, { messageId: m.id, descend: true }).catch((e) => toast(e.message));
    await this.reload();
  }

  async branch(m) {
    await post(`${this.base}/messages/${m.id}/branch`).catch((e) => toast(e.message));
    await this.reload();
    toast(t('chat.branched'));
  }

  async remove(m) {
    if (!confirm(t('chat.confirmDelete'))) return;
    await del(`${this.base}/messages/${m.id}`).catch((e) => toast(e.message));
    await this.reload();
  }

  edit(m, el, body) {
    const area = h('textarea', { dir: 'auto', name: 'content', value: m.content });
    const err = h('p', { class: 'field-error' });
    const form = h('div', { class: 'edit-form' }, area, err, h('div', { class: 'row' },
      h('button', { class: 'small', onclick: async () => {
        try {
          await api('PATCH', `${this.base}/messages/${m.id}`, { content: area.value });
          await this.reload();
        } catch (e) {
          err.textContent = e.message;
        }
      } }, t('save')),
      h('button', { class: 'small secondary', onclick: () => form.replaceWith(body) }, t('cancel'))));
    body.replaceWith(form);
    area.focus();
  }

  async inspect(m, el) {
    const old = el.querySelector('.inspector');
    if (old) {
      old.remove();
      return;
    }
    try {
      const prompt = await get(`${this.base}/turns/${m.turnId}/prompt`);
      el.append(h('pre', { class: 'inspector', dir: 'auto' }, JSON.stringify(prompt, null, 2)));
    } catch (e) {
      toast(e.message);
    }
  }

  async share() {
    const title = prompt(t('chat.shareTitle'), this.session.title || '');
    if (title === null) return;
    try {
      this.session = await get(this.base); // the active leaf moves with every turn
      await post(`${this.base}/share`, { title, caption: '', leafMessageId: this.session.activeLeafId });
      toast(t('chat.shared'));
      this.status.textContent = t('chat.shared');
    } catch (e) {
      toast(e.message);
      this.status.textContent = e.message;
    }
  }
}
