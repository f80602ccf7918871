// The print queue on the handheld: the printers and whether they can print, the jobs newest first
// (what, for which order or return, their state and why), reprint and cancel; and, for the staging
// screen and the return receipt, a line that follows a job to the printer.
import { api } from './api.js';
import * as feedback from './feedback.js';
import { h, busyButton } from './ui.js';

export const JOB_KIND = {
  bag_label: 'Bag label', shipping_label: 'Shipping label', packing_slip: 'Packing slip',
  return_label: 'Return label', return_slip: 'Return slip', bin_label: 'Bin label',
};
export const JOB_STATE = {
  pending: 'Queued', sending: 'Sending', sent: 'At the printer', done: 'Printed', waiting: 'Waiting',
  failed: 'Failed', cancelled: 'Cancelled', unknown: 'Did it print?',
};
const ATTENTION = ['waiting', 'failed', 'unknown'];
const FINISHED = ['done', 'failed', 'cancelled']; // the API refuses to cancel these
const PAGE = 20;
const MAX_PAGE = 200; // the API's largest page
const REFRESH_MS = 3000;
// The print queue's status of a printer it has not asked anything yet (printer/print_queue.h).
const UNTRIED = 'not contacted yet';

// 09:41:07 today, 24 Nov 09:41 before.
function clock(iso) {
  const d = new Date(iso);
  if (d.toDateString() === new Date().toDateString()) return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return d.toLocaleString([], { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

// The queue's reasons are words already; a failure's starts with its error code
// ("format_unsupported: …"), which says nothing more to the associate.
export function reasonWords(reason) {
  const text = (reason || '').replace(/^[a-z]+(?:_[a-z]+)+: /, '');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const purpose = (j) => (j.package ? `${j.allocation} · package ${j.package}` : j.allocation || j.return || '');
const what = (j) => `${JOB_KIND[j.kind] || j.kind}${purpose(j) ? ` for ${purpose(j)}` : ''}`;

function when(j) {
  if (j.state === 'done' && j.done_at) return `Printed ${clock(j.done_at)}`;
  if (FINISHED.includes(j.state)) return `${JOB_STATE[j.state]} ${clock(j.updated_at)}`;
  return `Queued ${clock(j.created_at)}`;
}

export function stateBadge(state) {
  return h(`span.badge.${state}`, JOB_STATE[state] || state);
}

function printerCard(p) {
  const ready = p.status === 'ready';
  const untried = p.status === UNTRIED;
  const purposes = p.purposes.map((k) => JOB_KIND[k] || k).join(', ');
  return h(`div.card.static.printer${ready || untried ? '' : '.attention'}`, { dataset: { printer: p.name, ready: String(ready) } },
    h('div.row', h('strong', p.name), h(`span.badge.${ready ? 'done' : untried ? 'pending' : 'failed'}`,
      ready ? 'Ready' : untried ? 'Not used yet' : 'Cannot print')),
    ready || untried ? null : h('p.reason', reasonWords(p.status)),
    h('div.sub', [p.station, purposes].filter(Boolean).join(' · ')),
    h('div.sub', [p.backend, p.checked_at ? `checked ${clock(p.checked_at)}` : ''].filter(Boolean).join(' · ')));
}

// Jobs newest first from one or more listings merged by id (the API filters by one state at a
// time); each listing is read a page at a time as the merge needs it. A job is given once even
// when it moves between pages or listings while they are read (pages are offsets).
function jobFeed(states) {
  const lists = states.map((state) => ({ state, items: [], next: '' })); // next: null at the end
  const given = new Set();
  let printers = [];
  const read = async (l, limit) => {
    const q = new URLSearchParams({ limit: String(limit) });
    if (l.state) q.set('state', l.state);
    if (l.next) q.set('cursor', l.next);
    const r = await api.get(`/api/v1/print-jobs?${q}`);
    printers = r.printers;
    l.items.push(...r.items);
    l.next = r.next;
  };
  return {
    get printers() { return printers; },
    get more() { return lists.some((l) => l.items.length || l.next !== null); },
    async take(n) {
      const out = [];
      while (out.length < n) {
        const limit = Math.min(MAX_PAGE, Math.max(PAGE, n - out.length));
        await Promise.all(lists.filter((l) => !l.items.length && l.next !== null).map((l) => read(l, limit)));
        const live = lists.filter((l) => l.items.length);
        if (!live.length) break;
        const newest = live.reduce((a, b) => (a.items[0].id > b.items[0].id ? a : b)).items.shift();
        if (given.has(newest.id)) continue;
        given.add(newest.id);
        out.push(newest);
      }
      return out;
    },
  };
}

export function printJobs(params, nav) {
  let filter = params.filter || 'all';
  let feed = null;
  let jobs = []; // on screen, newest first
  let fresh = 0; // a job to light up (a reprint just made, a job just cancelled)
  let reveal = false; // scroll it into view once
  const open = new Set(); // jobs whose confirmation is on screen: no refresh meanwhile
  let failed = false; // the message shows that the list could not be read
  let inflight = null;
  let gone = false;
  let timer = 0;

  const msg = h('div.msg', { hidden: true });
  const stale = h('p.stale', { hidden: true });
  const printers = h('div.list.printers');
  const list = h('div.list.jobs', h('p.hint', 'Loading…'));
  const more = busyButton('button.secondary', 'More', () => exclusive(async () => {
    try {
      jobs.push(...await feed.take(PAGE));
      draw();
    } catch (e) {
      feedback.say(msg, 'error', feedback.words(e));
    }
  }), { hidden: true });

  // Loads and the More button take turns: both change `jobs`.
  const exclusive = async (fn) => {
    while (inflight) await inflight.catch(() => {});
    inflight = fn();
    try { return await inflight; } finally { inflight = null; }
  };

  // Reads again as many jobs as are shown (at least a page, at most the API's largest).
  async function load({ quiet = false } = {}) {
    if (gone) return; // a refresh that waited for its turn while the screen was left
    const next = jobFeed(filter === 'attention' ? ATTENTION : ['']);
    try {
      const got = await next.take(Math.min(MAX_PAGE, Math.max(PAGE, jobs.length)));
      feed = next;
      jobs = got;
      stale.hidden = true;
      if (failed) feedback.say(msg, '', '');
      failed = false;
      draw();
    } catch (e) {
      if (!quiet) {
        list.replaceChildren();
        failed = true;
        feedback.say(msg, 'error', feedback.words(e), () => exclusive(load));
        return;
      }
      stale.hidden = false;
      stale.textContent = `Not up to date: ${feedback.words(e)}`;
    }
  }

  function draw() {
    open.clear(); // the cards, their confirmations too, are drawn anew
    const ps = feed.printers;
    printers.replaceChildren(h('span.label', 'Printers'), ...(ps.length
      ? ps.map(printerCard)
      : [h('p.hint', 'No printer is configured on this store server: jobs wait until one is ([[printers.printer]]).')]));
    list.replaceChildren(...(jobs.length
      ? jobs.map(jobCard)
      : [h('p.empty', filter === 'attention' ? 'Nothing needs attention. ✓' : 'No print jobs yet.')]));
    if (reveal) list.querySelector('.hit')?.scrollIntoView({ block: 'nearest' });
    reveal = false;
    more.hidden = !feed.more;
  }

  function jobCard(j) {
    const sheet = h('div.sheet', { hidden: true });
    const actions = h('div.tools');
    const confirm = (text, yes, run) => {
      open.add(j.id);
      actions.hidden = true;
      const close = () => { open.delete(j.id); sheet.hidden = true; actions.hidden = false; };
      sheet.replaceChildren(h('p', text),
        busyButton('button.primary', yes, async () => { await run(); close(); }),
        h('button.secondary', { type: 'button', onclick: close }, 'Keep it'));
      sheet.hidden = false;
      sheet.scrollIntoView({ block: 'nearest' });
    };
    // One action on this job; the list is read again after it, also after a refusal (a 409: it
    // finished meanwhile), to show the job as it is now.
    const act = (action, done) => {
      return feedback.act(msg, () => api.post(`/api/v1/print-jobs/${j.id}/${action}`), async (r) => {
        failed = false;
        done(r.job);
        fresh = r.job.id;
        reveal = true;
        await exclusive(load);
      }, () => exclusive(() => load({ quiet: true })));
    };
    const reprint = () => act('reprint', (job) => {
      feedback.ok('Reprint queued');
      feedback.say(msg, 'ok', `${what(j)} queued again as job #${job.id}.`);
    });
    const cancel = () => act('cancel', () => {
      feedback.ok('Cancelled');
      feedback.say(msg, 'ok', `Job #${j.id}, ${what(j)}, is cancelled${j.state === 'sent' ? ' here and at the printer' : ''}: it will not print.`);
    });
    actions.append(...[
      busyButton('button.secondary', 'Reprint', () => {
        // A job still on its way prints as well: two labels would come out.
        if (j.state === 'unknown') return confirm('Look at the printer first: if this label came out, cancel the job instead. Print it again?', 'Print it again', reprint);
        if (!FINISHED.includes(j.state)) return confirm('This job still prints by itself when the printer can. Print a second one as well?', 'Print another', reprint);
        return reprint();
      }, { dataset: { action: 'reprint' } }),
      FINISHED.includes(j.state) ? null : h('button.secondary', { type: 'button', dataset: { action: 'cancel' }, onclick: () =>
        confirm(`Cancel job #${j.id}, ${what(j)}? It will not print.`, 'Cancel the job', cancel) }, 'Cancel'),
    ].filter(Boolean));
    const attention = ATTENTION.includes(j.state);
    return h(`div.card.static.job${attention ? '.attention' : ''}${j.id === fresh ? '.hit' : ''}`, { dataset: { job: j.id, state: j.state } },
      h('div.row', h('strong', JOB_KIND[j.kind] || j.kind), stateBadge(j.state)),
      h('div.row', h('span.for', purpose(j) || '—'), h('span.sub', `#${j.id}`)),
      j.reason ? h(`p.reason${attention ? '' : '.sub'}`, reasonWords(j.reason)) : null,
      j.state === 'waiting' && j.next_attempt_at ? h('p.sub', `Tries again by itself at ${clock(j.next_attempt_at)}.`) : null,
      h('div.row.sub', h('span', j.printer || 'No printer yet'), h('span', when(j))),
      j.reprint_of ? h('p.sub', `Reprint of #${j.reprint_of}${j.requested_by ? ` by ${j.requested_by.replace(/^user:/, '')}` : ''}`) : null,
      actions, sheet);
  }

  const chips = h('div.chips.segmented.two', ...[['all', 'All'], ['attention', 'Needs attention']].map(([f, label]) =>
    h(`button.chip${f === filter ? '.on' : ''}`, { type: 'button', dataset: { filter: f }, onclick: (e) => {
      filter = f;
      for (const c of chips.children) c.classList.toggle('on', c === e.currentTarget);
      jobs = [];
      fresh = 0;
      list.replaceChildren(h('p.hint', 'Loading…'));
      exclusive(load);
    } }, label)));

  // The queue works in the background: the screen looks again every few seconds while it is
  // shown, except while a job's confirmation is open.
  const tick = async () => {
    if (!open.size && !document.hidden) await exclusive(() => load({ quiet: true }));
    if (!gone) timer = setTimeout(tick, REFRESH_MS);
  };
  const el = h('section.screen.printjobs', printers, chips, msg, stale, list, h('div.actions', more));
  el.title = 'Print jobs';
  el.leave = () => { gone = true; clearTimeout(timer); };
  exclusive(load).then(() => { if (!gone) timer = setTimeout(tick, REFRESH_MS); });
  return el;
}

// A line that follows one print job: the newest job `find` picks, read again every 1.5 s (at most
// 40 times) until it is printed or needs a person. Returns the function that stops it.
function follow(line, find, nav) {
  let timer = 0;
  let looks = 0;
  let stopped = false;
  const look = async () => {
    looks += 1;
    let job = null;
    try {
      const r = await api.get('/api/v1/print-jobs?limit=50');
      job = r.items.find(find) || null;
    } catch { /* the line keeps what it showed; the next look may work */ }
    if (stopped) return;
    if (job) {
      line.hidden = false;
      line.dataset.state = job.state;
      line.replaceChildren(...[
        h('span', `${JOB_KIND[job.kind] || job.kind}: `), stateBadge(job.state),
        job.state === 'done' && job.printer ? h('span', ` on ${job.printer}`) : null,
        ATTENTION.includes(job.state) && job.reason ? h('span.reason', ` ${reasonWords(job.reason)}.`) : null,
        ATTENTION.includes(job.state) ? h('button.link', { type: 'button', onclick: () => nav.go('printjobs', { filter: 'attention' }) }, 'Print jobs') : null,
      ].filter(Boolean));
    }
    if ((!job || !['done', 'failed', 'cancelled', 'unknown'].includes(job.state)) && looks < 40) timer = setTimeout(look, 1500);
  };
  look();
  return () => { stopped = true; clearTimeout(timer); };
}

// The staging screen's line for the bag label staging queued: the newest job of `kind` for the
// allocation.
export function followLabel(line, allocation, nav, kind = 'bag_label') {
  return follow(line, (j) => j.kind === kind && j.allocation === allocation, nav);
}

// The return receipt's line for one of the return's print jobs (its slip, its label to the DC).
export function followJob(line, id, nav) {
  return follow(line, (j) => j.id === id, nav);
}
