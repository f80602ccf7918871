// The handheld app: device set-up, the associate's session, and moving between screens. Each
// screen is a function (params, nav) → element, in the screens-*.js modules.
import { api, creds, setHooks, DEVICE_TOKEN } from './api.js';
import * as feedback from './feedback.js';
import { noScan } from './scan.js';
import { startStationScans, stopStationScans } from './station.js';
import * as start from './screens-start.js';
import * as floor from './screens-pick.js';
import * as pickup from './screens-pickup.js';
import * as pack from './screens-pack.js';
import * as stock from './screens-stock.js';
import * as batch from './screens-batch.js';
import * as print from './screens-print.js';
import * as returns from './screens-returns.js';
import * as review from './screens-review.js';

const screens = {
  setup: start.setup, signin: start.signin, home: start.home,
  queue: floor.queue, pick: floor.pick, stage: floor.stage,
  pickup: pickup.search, handover: pickup.handover, arrival: pickup.arrival,
  pack: pack.pack,
  putbacks: stock.putbacks, putback: stock.putback, expired: stock.expired,
  count: stock.count, approvals: stock.approvals, inventory: stock.inventory,
  batch: batch.choose, batchpick: batch.pick,
  printjobs: print.printJobs,
  returns: returns.lookup, returnorder: returns.order, returnreceipt: returns.receipt,
  returnreview: review.pending, returncheck: review.check,
};
// Screens reachable without a signed-in associate.
const OPEN = new Set(['setup', 'signin']);

let stack = []; // [{name, params}], the last one is on screen
let leave = null; // the current screen's clean-up

function render() {
  const { name, params } = stack[stack.length - 1];
  leave?.();
  leave = null;
  noScan();
  const main = document.getElementById('screen');
  const el = screens[name](params, nav);
  leave = el.leave || null;
  main.replaceChildren(el);
  main.scrollTop = 0;
  document.body.dataset.screen = name;
  document.getElementById('title').textContent = el.title || 'StoreEdge';
  document.getElementById('back').hidden = stack.length < 2;
  const s = creds.session;
  // Who is signed in shows where there is room: on the first screen, not beside a long title.
  document.getElementById('who').textContent = s && !OPEN.has(name) && stack.length < 2 ? s.user.name : '';
  if (s && !OPEN.has(name)) startStationScans();
}

export const nav = {
  // Opens a screen on top of the current one (Back returns).
  go(name, params = {}) {
    if (!OPEN.has(name) && !creds.session) name = creds.device ? 'signin' : 'setup';
    stack.push({ name, params });
    render();
  },
  // Replaces the current screen (a step that should not be gone back to).
  replace(name, params = {}) {
    stack.pop();
    nav.go(name, params);
  },
  // Starts over from a screen (sign-in, home).
  reset(name, params = {}) {
    stack = [];
    nav.go(name, params);
  },
  back() {
    if (stack.length < 2) return;
    stack.pop();
    render();
  },
  refresh() { render(); },
  // The screen under the current one (where Back goes), or ''.
  below() { return stack.length > 1 ? stack[stack.length - 2].name : ''; },
};

document.getElementById('back').addEventListener('click', () => nav.back());
document.addEventListener('pointerdown', feedback.unlockAudio, { capture: true });
document.addEventListener('keydown', feedback.unlockAudio, { capture: true });

const net = document.getElementById('net');
function showNet(text, kind) {
  net.hidden = !text;
  net.textContent = text || '';
  net.className = kind || '';
}
setHooks({
  retrying(state) {
    if (state) showNet(`Connection problem — retrying… (try ${state.attempt} of ${state.of})`, 'warn');
    else showNet(navigator.onLine ? '' : 'No network — scans will be retried', 'warn');
  },
  sessionLost(message) {
    stopStationScans();
    nav.reset('signin', { notice: `${message.charAt(0).toUpperCase()}${message.slice(1)}.` });
  },
  deviceRejected(message) {
    nav.reset('setup', { notice: `This handheld's device token was not accepted (${message}). Ask a manager for a new one.` });
  },
});
addEventListener('offline', () => showNet('No network — scans will be retried', 'warn'));
addEventListener('online', () => showNet(''));

// #device=<token> sets the handheld up (a manager opens a link or scans a QR code of it); the
// token is kept in this browser only and taken out of the address at once.
function takeDeviceFromUrl() {
  const m = /^#device=(.+)$/.exec(location.hash);
  if (!m) return null;
  history.replaceState(null, '', location.pathname + location.search);
  const token = decodeURIComponent(m[1]).trim();
  if (!DEVICE_TOKEN.test(token)) return 'That set-up link does not hold a valid device token.';
  if (token !== creds.device) {
    creds.device = token;
    creds.session = null; // a session belongs to the device that made it
  }
  return '';
}

nav.signOut = async () => {
  stopStationScans();
  try { await api.signOut(); } catch { /* ended or unreachable: forget it anyway */ }
  creds.session = null;
  nav.reset('signin');
};

const problem = takeDeviceFromUrl();
if (!creds.device) nav.reset('setup', { notice: problem });
else if (!creds.session) nav.reset('signin');
else nav.reset('home');
