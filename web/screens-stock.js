// Stock on the floor: put-backs, expired pickups, counting a bin (and a lead approving counts),
// and looking an item up.
import { api, enc, newKey } from './api.js';
import * as feedback from './feedback.js';
import { scanField } from './scan.js';
import { h, busyButton } from './ui.js';
import { unavailable } from './screens-pack.js';

function listScreen({ title, cls, path, what, empty, row }) {
  return (params, nav) => {
    const msg = h('div.msg', { hidden: true });
    const list = h('div.list', h('p.hint', 'Loading…'));
    const load = async () => {
      try {
        const r = await api.get(path);
        const items = r.items ?? r.counts ?? [];
        list.replaceChildren(...(items.length ? items.map((it) => row(it, nav, msg, load)) : [h('p.empty', empty)]));
      } catch (e) {
        list.replaceChildren();
        if (!unavailable(msg, e, what)) feedback.say(msg, 'error', feedback.words(e), load);
      }
    };
    const el = h(`section.screen.${cls}`, msg, list, h('div.actions', busyButton('button.secondary', 'Refresh', load)));
    el.title = title;
    load();
    return el;
  };
}

export const putbacks = listScreen({
  title: 'Put back', cls: 'putbacks', path: '/api/v1/put-backs', what: 'The put-back list',
  empty: 'Nothing to put back.',
  row: (p, nav) => h(`button.card${p.done >= p.qty ? '.doneitem' : ''}`, { type: 'button', onclick: () => nav.go('putback', { item: p }) },
    h('div.row', h('span.bin', p.location || '—'), h('span', `${p.done} of ${p.qty} back`)),
    h('div.desc', p.description || p.sku),
    h('div.row.sub', h('span', p.sku), h('span', p.reason || ''))),
});

// One put-back: scan the item, then the bin it goes into.
export function putback(params, nav) {
  const p = { ...params.item };
  const msg = h('div.msg', { hidden: true });
  let code = null;
  const step = h('p.lead');
  const drawStep = () => {
    step.textContent = code
      ? `Now scan the bin you put it in${p.location ? ` (it belongs in ${p.location})` : ''}.`
      : `Scan the item: ${p.description || p.sku}.`;
    scan.querySelector('.label').textContent = code ? 'Scan the bin' : 'Scan the item';
  };
  const left = h('p.count');
  const drawLeft = () => { left.textContent = `${p.done} of ${p.qty} put back`; };
  const scan = scanField({
    label: 'Scan the item',
    onScan: (scanned) => {
      if (!code) {
        code = scanned;
        feedback.ok('Item scanned');
        drawStep();
        return null;
      }
      const body = { code, location: scanned };
      return feedback.act(msg, () => api.post(`/api/v1/put-backs/${enc(p.id)}/scans`, body), (r) => {
        p.done = r.done ?? p.done + 1;
        code = null;
        feedback.ok(`Put back in ${scanned}`);
        feedback.say(msg, 'ok', `1 × ${p.sku} put back in ${scanned}.`);
        drawLeft();
        drawStep();
        if (p.done >= p.qty) nav.back();
      }, (e) => { code = null; drawStep(); unavailable(msg, e, 'Put-back'); });
    },
  });
  drawStep();
  drawLeft();
  const el = h('section.screen.putback',
    h('div.card.static', h('div.desc', p.description || p.sku), h('div.row.sub', h('span', p.sku), h('span', p.allocation || ''))),
    left, step, scan, msg,
    h('div.actions', h('button.secondary', { type: 'button', onclick: () => { code = null; drawStep(); } }, 'Start this item again')));
  el.title = 'Put back';
  return el;
}

export const expired = listScreen({
  title: 'Expired orders', cls: 'expired', path: '/api/v1/expired', what: 'The expired list',
  empty: 'No expired pickups.',
  row: (x, _nav, msg, reload) => h('div.card.static', { dataset: { id: x.id } },
    h('div.row', h('strong', x.order), h('span', `${x.units} item${x.units === 1 ? '' : 's'}`)),
    h('div.row.sub', h('span', x.customer || ''), h('span', `Ready since ${new Date(x.ready_at).toLocaleDateString()}`)),
    h('div.fetch', h('span.label', 'Take it from'), h('span.big', x.staging_location || '—')),
    busyButton('button.secondary', 'Expire it — items go back', () => feedback.act(msg,
      () => api.post(`/api/v1/allocations/${enc(x.id)}/expire`),
      async () => {
        feedback.ok('Expired');
        feedback.say(msg, 'ok', `${x.order} expired. Its items are on the put-back list.`);
        await reload();
      }, (e) => unavailable(msg, e, 'Expiry')))),
});

// A blind count of one bin: scan the bin, scan every item in it (or set a number), submit once.
export function count(_params, nav) {
  const msg = h('div.msg', { hidden: true });
  let location = null;
  const counted = new Map(); // code → qty, in scan order
  const step = h('p.lead', 'Scan the bin you are counting.');
  const rows = h('div.lines');
  const key = newKey(); // one submission, however often it is retried
  const draw = () => {
    rows.replaceChildren(...[...counted].map(([code, qty]) => {
      const n = h('output.qty', String(qty));
      const set = (v) => { if (v <= 0) counted.delete(code); else counted.set(code, v); draw(); };
      return h('div.line', { dataset: { code } }, h('div.row', h('span', code),
        h('div.qtybox', h('button.step', { type: 'button', 'aria-label': 'One less', onclick: () => set(qty - 1) }, '−'), n,
          h('button.step', { type: 'button', 'aria-label': 'One more', onclick: () => set(qty + 1) }, '+'))));
    }));
    const total = [...counted.values()].reduce((a, b) => a + b, 0);
    submit.textContent = location ? `Submit count (${total} item${total === 1 ? '' : 's'})` : 'Submit count';
    submit.disabled = !location;
  };
  const scan = scanField({
    label: 'Scan the bin',
    onScan: (code) => {
      if (!location) {
        location = code;
        step.textContent = `Counting ${location}. Scan every item in it, one scan per unit.`;
        scan.querySelector('.label').textContent = 'Scan each item';
        feedback.ok(`Bin ${location}`);
      } else {
        counted.set(code, (counted.get(code) || 0) + 1);
        feedback.ok(`${code}: ${counted.get(code)}`);
      }
      draw();
      return null;
    },
  });
  const submit = busyButton('button.primary', 'Submit count', () => {
    const body = { location, items: [...counted].map(([code, qty]) => ({ code, qty })) };
    // Sent by hand with the count's own key, so a retry after a lost answer cannot count twice.
    const send = () => api.action('POST', '/api/v1/counts', body, key);
    return feedback.act(msg, send, (r) => {
      feedback.ok(r.state === 'posted' ? 'Count posted' : 'Sent for approval');
      el.replaceChildren(
        h('p.lead', r.state === 'posted' ? `Count of ${r.location} posted.` : `Count of ${r.location} is waiting for a lead to approve it.`),
        h('div.lines', ...r.lines.map((l) => h(`div.line${l.variance ? '.hit' : ''}`,
          h('div.row', h('strong', l.sku), h('span', `${l.counted} counted`)),
          h('div.row.sub', h('span', `expected ${l.expected}`), h('span', l.variance > 0 ? `+${l.variance}` : String(l.variance)))))),
        h('div.actions', h('button.primary', { type: 'button', onclick: () => nav.replace('count') }, 'Count another bin')));
    }, (e) => unavailable(msg, e, 'Counting'));
  });
  const el = h('section.screen.count', step, scan, msg, rows, h('div.actions', submit));
  el.title = 'Count a bin';
  draw();
  return el;
}

export const approvals = listScreen({
  title: 'Approve counts', cls: 'approvals', path: '/api/v1/counts?state=awaiting_approval', what: 'Count approval',
  empty: 'No counts are waiting.',
  row: (c, _nav, msg, reload) => {
    const decide = (verb) => feedback.act(msg, () => api.post(`/api/v1/counts/${enc(c.count)}/${verb}`),
      async () => { feedback.ok(verb === 'approve' ? 'Approved' : 'Rejected'); await reload(); },
      (e) => unavailable(msg, e, 'Count approval'));
    return h('div.card.static', { dataset: { count: c.count } },
      h('div.row', h('strong', c.location), h('span', c.state)),
      ...(c.lines || []).map((l) => h('div.row.sub', h('span', l.sku), h('span', `${l.expected} → ${l.counted} (${l.variance > 0 ? '+' : ''}${l.variance})`))),
      h('div.row', busyButton('button.secondary', 'Reject', () => decide('reject')), busyButton('button.primary', 'Approve', () => decide('approve'))));
  },
});

export function inventory(_params) {
  const msg = h('div.msg', { hidden: true });
  const out = h('div');
  const scan = scanField({
    label: 'Scan or type an item',
    onScan: async (code) => {
      try {
        const r = await api.get(`/api/v1/inventory/${enc(code)}`);
        feedback.say(msg, '', '');
        out.replaceChildren(h('div.card.static',
          h('div.desc', r.description || r.sku), h('div.sub', r.sku),
          h('div.figures', ...[['On hand', r.on_hand], ['Available', r.available], ['Reserved', r.reserved], ['Damaged', r.damaged]]
            .map(([k, v]) => h('div', h('span.label', k), h('strong', String(v))))),
          h('p.label', 'Bins'),
          ...(r.locations || []).map((l) => h('div.row', h('span.bin', l.location),
            h('span', `${l.on_hand} on hand${l.damaged ? `, ${l.damaged} damaged` : ''}${l.count_due ? ' · count due' : ''}`)))));
      } catch (e) {
        out.replaceChildren();
        if (!unavailable(msg, e, 'Item lookup')) { feedback.fail(feedback.words(e)); feedback.say(msg, 'error', feedback.words(e)); }
      }
    },
  });
  const el = h('section.screen.inventory', scan, msg, out);
  el.title = 'Find an item';
  return el;
}
