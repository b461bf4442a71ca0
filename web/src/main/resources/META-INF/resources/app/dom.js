// Tiny DOM helper: every piece of user content goes in as text (never innerHTML), with dir="auto" so
// right-to-left and mixed scripts render correctly.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'class') el.className = v;
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** User-written text: a block that keeps line breaks and picks its direction from the content. */
export function text(tag, value, cls) {
  return h(tag, { dir: 'auto', class: cls ? cls + ' user-text' : 'user-text' }, value ?? '');
}

export function mount(node) {
  const view = document.getElementById('view');
  view.replaceChildren(node);
  return view;
}

export function toast(message) {
  const t = document.getElementById('toast');
  t.textContent = message;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 4000);
}
