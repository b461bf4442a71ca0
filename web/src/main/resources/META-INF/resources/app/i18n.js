// Message bundles (/i18n/<lang>.json), language switch, browser default.
const SUPPORTED = ['en', 'zh-CN'];
let messages = {};
let fallback = {};
export let lang = 'en';

export function pickLanguage() {
  const saved = localStorage.getItem('mopao.lang');
  if (SUPPORTED.includes(saved)) return saved;
  for (const l of navigator.languages || [navigator.language]) {
    if (!l) continue;
    if (l.toLowerCase().startsWith('zh')) return 'zh-CN';
    if (l.toLowerCase().startsWith('en')) return 'en';
  }
  return 'en';
}

async function load(l) {
  const r = await fetch(`/i18n/${l}.json`);
  return r.ok ? r.json() : {};
}

export async function setLanguage(l) {
  lang = SUPPORTED.includes(l) ? l : 'en';
  fallback = Object.keys(fallback).length ? fallback : await load('en');
  messages = lang === 'en' ? fallback : await load(lang);
  document.documentElement.lang = lang;
  localStorage.setItem('mopao.lang', lang);
}

/** Translated message; {name} placeholders are replaced from vars. */
export function t(key, vars) {
  let s = messages[key] ?? fallback[key] ?? key;
  for (const [k, v] of Object.entries(vars || {})) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

export function formatTime(iso) {
  if (!iso) return '';
  const d = typeof iso === 'number' ? new Date(iso) : new Date(iso);
  return isNaN(d) ? '' : d.toLocaleString(lang);
}
