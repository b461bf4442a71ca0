// Calls through the gateway: same origin, session cookie, CSRF header, the one JSON error shape.
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.code || 'error';
    this.details = Array.isArray(body?.details) ? body.details : [];
  }
  /** Details like "name: required" for a field. */
  forField(field) {
    return this.details.filter((d) => typeof d === 'string' && d.split(':')[0].trim() === field)
      .map((d) => d.slice(d.indexOf(':') + 1).trim());
  }
}

function csrfToken() {
  const m = document.cookie.match(/(?:^|;\s*)mopao-csrf=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : '';
}

/** Sends the browser to sign in and back to where it was. */
export function signIn() {
  sessionStorage.setItem('mopao.next', location.hash || '#/');
  location.assign('/login');
}

export async function api(method, path, body, opts = {}) {
  const headers = { 'X-Requested-With': 'JavaScript', Accept: 'application/json', ...(opts.headers || {}) };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken();
  let payload;
  if (body instanceof Blob || body instanceof ArrayBuffer) {
    payload = body;
    if (body.type) headers['Content-Type'] = body.type;
    else headers['Content-Type'] = 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  let r;
  try {
    r = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, { code: 'network', message: navigator.onLine ? 'The server cannot be reached.' : 'You are offline.' });
  }
  if (r.status === 499) {
    // the session cookie expired and could not be refreshed: sign in again, then come back here
    signIn();
    throw new ApiError(401, { code: 'session_expired', message: 'Your session expired; signing in again…' });
  }
  const type = r.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await r.json().catch(() => null) : (opts.raw ? await r.blob() : await r.text());
  if (!r.ok) throw new ApiError(r.status, typeof data === 'object' ? data : { message: `HTTP ${r.status}` });
  if (opts.withEtag) return { data, etag: r.headers.get('ETag') };
  return data;
}

export const get = (p, o) => api('GET', p, undefined, o);
export const post = (p, b, o) => api('POST', p, b, o);
export const put = (p, b, o) => api('PUT', p, b, o);
export const del = (p, o) => api('DELETE', p, undefined, o);

export async function me() {
  const r = await fetch('/auth/me', { headers: { 'X-Requested-With': 'JavaScript' } });
  if (r.status === 499) return { authenticated: false, expired: true };
  return r.ok ? r.json() : { authenticated: false };
}
