// Setting the handheld up, signing in, and the home screen with the day's tasks.
import { api, creds, DEVICE_TOKEN } from './api.js';
import * as feedback from './feedback.js';
import { scanField, noScan } from './scan.js';
import { h, busyButton } from './ui.js';
import { isTill } from './screens-returns.js';

export function setup(params, nav) {
  const msg = h('div.msg', { hidden: true });
  const field = h('textarea.token', {
    rows: 3, autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false',
    placeholder: 'dev_…', 'aria-label': 'Device token',
  });
  const save = () => {
    const token = field.value.trim();
    if (!DEVICE_TOKEN.test(token)) {
      feedback.fail('That is not a device token');
      feedback.say(msg, 'error', 'A device token starts with dev_ and has 47 characters. Ask a manager for this handheld’s token.');
      return;
    }
    creds.device = token;
    creds.session = null;
    feedback.ok('Handheld set up');
    nav.reset('signin');
  };
  if (params.notice) feedback.say(msg, 'error', params.notice);
  const el = h('section.screen',
    h('h2', 'Set up this handheld'),
    h('p', 'This handheld needs its device token once. A manager gets it when enrolling the handheld (storeedgectl devices enrol) and can open the set-up link on it, or paste the token here.'),
    msg,
    h('label.field', h('span.label', 'Device token'), field),
    h('div.actions', h('button.primary', { type: 'button', onclick: save }, 'Save and continue')));
  el.title = 'Set up';
  setTimeout(() => field.focus(), 0);
  return el;
}

export function signin(params, nav) {
  const msg = h('div.msg', { hidden: true });
  let byBadge = true;
  const pin = h('input.pin', {
    type: 'password', inputmode: 'numeric', autocomplete: 'off', maxlength: 12,
    'aria-label': 'PIN', placeholder: 'PIN', name: 'pin',
  });
  const userId = h('input', { type: 'text', name: 'user', autocomplete: 'username', autocapitalize: 'off', 'aria-label': 'User ID', placeholder: 'e.g. a.jones' });
  let badge = '';
  const badgeShown = h('p.badge-ok', { hidden: true });

  const submit = async () => {
    const body = { pin: pin.value };
    if (byBadge) {
      if (!badge) { feedback.fail('Scan your badge first'); return; }
      body.badge = badge;
    } else {
      if (!userId.value.trim()) { feedback.fail('Type your user ID'); return; }
      body.user = userId.value.trim();
    }
    if (!/^\d{4,12}$/.test(pin.value)) { feedback.fail('Your PIN has 4 to 12 digits'); return; }
    try {
      const s = await api.signIn(body);
      creds.session = { session: s.session, expires_at: s.expires_at, user: s.user, device_kind: s.device_kind };
      feedback.ok(`Hello ${s.user.name}`);
      nav.reset('home');
    } catch (e) {
      pin.value = '';
      feedback.fail(feedback.words(e));
      feedback.say(msg, 'error', feedback.words(e));
      if (e.code === 'unauthenticated') return; // the app moves to the set-up screen
    }
  };

  const scan = scanField({
    label: 'Scan your badge', placeholder: 'Scan your badge', camera: false, name: 'badge',
    onScan: (code) => {
      badge = code;
      badgeShown.hidden = false;
      badgeShown.textContent = '✓ Badge scanned. Now enter your PIN.';
      feedback.ok('Badge scanned');
      noScan(); // the PIN field keeps the focus now
      pin.focus();
    },
  });
  pin.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); submit(); } });

  const keypad = h('div.keypad',
    ...['1', '2', '3', '4', '5', '6', '7', '8', '9', 'Clear', '0', '⌫'].map((k) =>
      h('button', {
        type: 'button', className: k.length > 1 ? 'small' : '',
        'aria-label': k === '⌫' ? 'Delete' : k,
        onclick: () => {
          if (k === '⌫') pin.value = pin.value.slice(0, -1);
          else if (k === 'Clear') pin.value = '';
          else if (pin.value.length < 12) pin.value += k;
        },
      }, k)));

  const who = h('div.who');
  const toggle = h('button.link', { type: 'button' });
  const showWho = () => {
    who.replaceChildren(byBadge ? h('div', scan, badgeShown) : h('label.field', h('span.label', 'Your user ID'), userId));
    toggle.textContent = byBadge ? 'No badge? Type your user ID' : 'Use my badge instead';
    if (byBadge && !badge) scan.focus();
    else if (byBadge) pin.focus();
    else { noScan(); userId.focus(); }
  };
  toggle.addEventListener('click', () => { byBadge = !byBadge; showWho(); });
  if (params.notice) feedback.say(msg, 'warn', params.notice);
  const el = h('section.screen.signin',
    msg, who, toggle,
    h('label.field', h('span.label', 'PIN'), pin),
    keypad,
    h('div.actions', h('button.primary', { type: 'button', onclick: submit }, 'Sign in')));
  showWho();
  el.title = 'Sign in';
  return el;
}

const TASKS = [
  { screen: 'queue', label: 'Pick orders', hint: 'The work queue, most urgent first', main: true },
  { screen: 'pickup', label: 'Customer pickup', hint: 'Find an order, hand it over, curbside' },
  { screen: 'batch', label: 'Batch pick', hint: 'Several orders in one walk' },
  { screen: 'putbacks', label: 'Put back', hint: 'Items to return to their bins' },
  { screen: 'expired', label: 'Expired orders', hint: 'Not collected in time' },
  { screen: 'count', label: 'Count a bin', hint: 'Cycle count' },
  { screen: 'inventory', label: 'Find an item', hint: 'Stock and bins' },
  { screen: 'printjobs', label: 'Print jobs', hint: 'Labels, printers, reprint' },
  { screen: 'approvals', label: 'Approve counts', hint: 'For leads', role: 'lead' },
  { screen: 'returns', label: 'Returns', hint: 'Take back a customer’s items', till: true },
  { screen: 'returnreview', label: 'Review returns', hint: 'Taken offline; for leads', role: 'lead' },
];

export function home(_params, nav) {
  const s = creds.session;
  const rank = { associate: 0, lead: 1, manager: 2 };
  const count = h('span.count');
  api.get('/api/v1/work?limit=200').then((r) => {
    const n = r.work.filter((w) => ['open', 'accepted', 'picking'].includes(w.state)).length;
    const late = r.work.filter((w) => w.overdue && ['open', 'accepted', 'picking'].includes(w.state)).length;
    count.textContent = `${n} to pick${late ? ` · ${late} overdue` : ''}`;
    count.classList.toggle('late', late > 0);
  }).catch(() => {});
  const tiles = TASKS.filter((t) => !t.role || rank[s.user.role] >= rank[t.role]).map((t) =>
    h(`button.tile${t.main ? '.main' : ''}`, { type: 'button', onclick: () => nav.go(t.screen), dataset: { screen: t.screen }, hidden: t.till },
      h('strong', t.label), h('span.hint', t.hint), t.main ? count : null));
  // Returns are taken at a POS terminal only: the tile shows once the server says this is one.
  isTill().then((till) => {
    for (const tile of tiles) if (till && TASKS.find((t) => t.screen === tile.dataset.screen)?.till) tile.hidden = false;
  });
  const el = h('section.screen.home',
    h('p.hello', `Signed in as ${s.user.name}`),
    h('div.tiles', tiles),
    h('div.actions', busyButton('button.secondary', 'Sign out', nav.signOut)));
  el.title = 'StoreEdge';
  return el;
}
