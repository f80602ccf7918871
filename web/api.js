// Talking to storeedged: the device token and the associate's session on every call, one
// Idempotency-Key per user action (the same key on every retry of it), and retries with backoff
// when the network or the server fails. Errors carry the API's code and its message in words.

const DEVICE_KEY = 'storeedge.device';
const SESSION_KEY = 'storeedge.session';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status; // 0 when no answer came at all
    this.code = code;
  }
  get offline() { return this.status === 0 || this.status >= 500; }
}

export const creds = {
  get device() { return localStorage.getItem(DEVICE_KEY) || ''; },
  set device(token) {
    if (token) localStorage.setItem(DEVICE_KEY, token);
    else localStorage.removeItem(DEVICE_KEY);
  },
  // {session, expires_at, user: {id, name, role}, device_kind}
  get session() {
    try {
      const s = JSON.parse(localStorage.getItem(SESSION_KEY) || 'null');
      if (s && Date.parse(s.expires_at) > Date.now()) return s;
    } catch { /* a damaged entry counts as none */ }
    return null;
  },
  set session(s) {
    if (s) localStorage.setItem(SESSION_KEY, JSON.stringify(s));
    else localStorage.removeItem(SESSION_KEY);
  },
};

export const DEVICE_TOKEN = /^dev_[A-Za-z0-9_-]{43}$/;

// crypto.randomUUID exists only in secure contexts (https, or the loopback address); a handheld on
// plain http over the store's Wi-Fi gets the same kind of key from getRandomValues.
export function newKey() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const hooks = {
  retrying: (_state) => {}, // {attempt, of, why} while retrying, null when done
  sessionLost: (_message) => {},
  deviceRejected: (_message) => {},
};
export function setHooks(h) { Object.assign(hooks, h); }

// Attempts after the first; jittered. Four tries over about 4 s, then the action is handed back
// to the associate ("Try again" re-sends with the same key).
const RETRY_DELAYS_MS = [400, 1200, 2500];
const TIMEOUT_MS = 10000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function errorOf(res) {
  let code = `http_${res.status}`;
  let message = `The server answered ${res.status}`;
  try {
    const body = await res.json();
    if (body?.error?.code) code = body.error.code;
    if (body?.error?.message) message = body.error.message;
  } catch { /* not JSON */ }
  return new ApiError(res.status, code, message);
}

async function send(method, path, { body, key, raw, contentType, extra } = {}) {
  const headers = { ...extra, Accept: 'application/json' };
  if (creds.device) headers.Authorization = `Bearer ${creds.device}`;
  const session = creds.session;
  if (session) headers['StoreEdge-Session'] = session.session;
  if (key) headers['Idempotency-Key'] = key;
  let payload;
  if (raw) {
    payload = raw;
    headers['Content-Type'] = contentType;
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  for (let attempt = 0; ; attempt++) {
    let res = null;
    let failure;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
    try {
      res = await fetch(path, { method, headers, body: payload, signal: abort.signal, cache: 'no-store' });
    } catch {
      failure = new ApiError(0, 'network', 'No connection to the store server');
    } finally {
      clearTimeout(timer);
    }
    if (res && res.status < 500) {
      if (attempt > 0) hooks.retrying(null);
      if (res.ok) {
        const type = res.headers.get('Content-Type') || '';
        return type.includes('json') ? res.json() : res.text();
      }
      const e = await errorOf(res);
      if (res.status === 401 && e.code === 'session_required') {
        creds.session = null;
        hooks.sessionLost(e.message);
      } else if (res.status === 401 && e.code === 'unauthenticated') {
        hooks.deviceRejected(e.message);
      }
      throw e;
    }
    if (res) failure = await errorOf(res);
    if (attempt >= RETRY_DELAYS_MS.length) {
      hooks.retrying(null);
      throw failure;
    }
    hooks.retrying({ attempt: attempt + 2, of: RETRY_DELAYS_MS.length + 1, why: failure.message });
    await sleep(RETRY_DELAYS_MS[attempt] * (0.8 + Math.random() * 0.4));
  }
}

export const api = {
  get: (path) => send('GET', path),
  // One user action: a fresh key, kept for every automatic retry. An action that got no answer
  // has .again(), which sends the very same request (same key) when the associate taps Try again.
  // `extra` headers go with every try (a manager's StoreEdge-Override).
  action(method, path, body, key = newKey(), extra = undefined) {
    const run = () =>
      send(method, path, { body, key, extra }).catch((e) => {
        if (e.offline) e.again = run; // a refusal (4xx) would only be refused again
        throw e;
      });
    return run();
  },
  post(path, body = {}) { return api.action('POST', path, body); },
  // Signing in and out change no stock: no key.
  signIn: (body) => send('POST', '/api/v1/sessions', { body }),
  signOut: () => send('DELETE', '/api/v1/sessions/current'),
  raw: (path, blob, contentType) => send('POST', path, { raw: blob, contentType }),
};

export const enc = encodeURIComponent;
