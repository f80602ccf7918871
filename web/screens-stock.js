// Stock on the floor: put-backs, expired pickups, counting a bin (and a lead approving counts),
// and looking an item up.
import { api, enc, newKey } from './api.js';
import * as feedback from './feedback.js';
import { scanField } from './scan.js';
import { h, busyButton } from './ui.js';

// A listing ({items, next}): its first page, with Refresh.
function listScreen({ title, cls, path, empty, row }) {
  return (params, nav) => {
    const msg = h('div.msg', { hidden: true });
    const list = h('div.list', h('p.hint', 'Loading…'));
    const load = async () => {
      try {
        const r = await api.get(path);
        list.replaceChildren(...(r.items.length ? r.items.map((it) => row(it, nav, msg, load)) : [h('p.empty', empty)]));
      } catch (e) {
        list.replaceChildren();
        feedback.say(msg, 'error', feedback.words(e), load);
      }
    };
    const el = h(`section.screen.${cls}`, msg, list, h('div.actions', busyButton('button.secondary', 'Refresh', load)));
    el.title = title;
    load();
    return el;
  };
}

const REASON = { expired: 'Expired pickup', cancelled: 'Cancelled order', partial_handover: 'Left at handover' };
// The listing's bin is the item's home bin, a suggestion; UNASSIGNED when the catalog has none.
const home = (location) => (location && location !== 'UNASSIGNED' ? location : '');

export const putbacks = listScreen({
  title: 'Put back', cls: 'putbacks', path: '/api/v1/put-backs',
  empty: 'Nothing to put back.',
  row: (p, nav) => h('button.card', { type: 'button', dataset: { id: p.id }, onclick: () => nav.go('putback', { item: p }) },
    h('div.row', h('span.bin', home(p.location) || 'No home bin'), h('span', `${p.done} of ${p.qty} back`)),
    h('div.desc', p.description || p.sku),
    h('div.row.sub', h('span', p.sku), h('span', `${REASON[p.reason] || p.reason} · ${p.allocation}`))),
});

// One put-back: scan the item (again for each further unit in hand), then the bin they go into.
export function putback(params, nav) {
  const p = { ...params.item };
  const msg = h('div.msg', { hidden: true });
  const bin = home(p.location);
  let code = null; // the item scanned, while its bin is awaited
  let units = 0;
  const step = h('p.lead');
  const drawStep = () => {
    step.textContent = code
      ? `${units} × ${p.description || p.sku} in hand. Scan the bin you put ${units === 1 ? 'it' : 'them'} in, or the item again for one more.`
      : `Scan the item: ${p.description || p.sku}.`;
    scan.querySelector('.label').textContent = code ? 'Scan the bin' : 'Scan the item';
  };
  const left = h('p.count');
  const drawLeft = () => { left.textContent = `${p.done} of ${p.qty} put back`; };
  const scan = scanField({
    label: 'Scan the item',
    onScan: (scanned) => {
      // The item again is one more unit, never a bin.
      if (scanned === code && units >= p.qty - p.done) {
        feedback.fail(`Only ${units} to put back: scan the bin`);
        return null;
      }
      if (!code || scanned === code) {
        code = scanned;
        units += 1;
        feedback.ok(units === 1 ? 'Item scanned' : `${units} in hand`);
        drawStep();
        return null;
      }
      const body = { code, location: scanned, qty: units };
      return feedback.act(msg, () => api.post(`/api/v1/put-backs/${enc(p.id)}/scans`, body), (r) => {
        p.done = r.put_back.done;
        p.qty = r.put_back.qty;
        code = null;
        units = 0;
        feedback.ok(`Put back in ${r.location}`);
        feedback.say(msg, 'ok', `${r.put_away} × ${p.description || p.sku} put back in ${r.location}.`);
        drawLeft();
        drawStep();
        if (p.done >= p.qty) {
          scan.hidden = true;
          step.textContent = 'All of it is back on the shelf.';
          again.hidden = true;
          next.hidden = false;
        }
      }, () => { code = null; units = 0; drawStep(); });
    },
  });
  drawStep();
  drawLeft();
  const again = h('button.secondary', { type: 'button', onclick: () => { code = null; units = 0; drawStep(); } }, 'Start this item again');
  const next = h('button.primary', { type: 'button', hidden: true, onclick: () => nav.back() }, 'Next item');
  const el = h('section.screen.putback',
    h('div.card.static', h('div.desc', p.description || p.sku),
      h('div.row.sub', h('span', p.sku), h('span', `${REASON[p.reason] || p.reason} · ${p.allocation}`)),
      bin ? h('div.fetch', h('span.label', 'It belongs in'), h('span.big', bin)) : null),
    left, step, scan, msg,
    h('div.actions', again, next));
  el.title = 'Put back';
  return el;
}

const signed = (n) => (n > 0 ? `+${n}` : String(n));
const when = (iso) => new Date(iso).toLocaleString([], { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

export const expired = listScreen({
  title: 'Expired orders', cls: 'expired', path: '/api/v1/expired',
  empty: 'No expired pickups.',
  row: (x, _nav, msg, reload) => h('div.card.static', { dataset: { id: x.id } },
    h('div.row', h('strong', x.order), h('span', `${x.units} item${x.units === 1 ? '' : 's'}`)),
    h('div.row.sub', h('span', x.customer || ''), h('span', `Held until ${when(x.hold_until)}`)),
    h('div.fetch', h('span.label', 'Take it from'), h('span.big', x.staging_location || '—')),
    busyButton('button.secondary', 'Expire it — items go back', () => feedback.act(msg,
      () => api.post(`/api/v1/allocations/${enc(x.id)}/expire`),
      async () => {
        feedback.ok('Expired');
        await reload();
        feedback.say(msg, 'ok', `${x.order} expired. Its items are on the put-back list.`);
      }))),
});

// A blind count of one bin: scan the bin, scan every item in it (or set a number), submit once.
export function count(_params, nav) {
  const msg = h('div.msg', { hidden: true });
  let location = null;
  const counted = new Map(); // code → qty, in scan order
  const step = h('div.fetch', h('p.lead', 'Scan the bin you are counting.'));
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
        step.replaceChildren(h('span.label', 'Counting bin'), h('span.big', location),
          h('p.hint', 'Scan every item in it, one scan per unit. Blind count: the books are not shown.'));
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
        h('div.lines', ...r.lines.map((l) => h(`div.line${l.variance ? '.hit' : ''}`, { dataset: { sku: l.sku } },
          h('div.row', h('strong', l.sku), h('span', `${l.counted} counted`)),
          h('div.row.sub', h('span', `On the books ${l.expected}`), h(`strong.variance${l.variance ? '.off' : ''}`, signed(l.variance)))))),
        h('div.actions', h('button.primary', { type: 'button', onclick: () => nav.replace('count') }, 'Count another bin')));
    });
  });
  const el = h('section.screen.counting', step, scan, msg, rows, h('div.actions', submit));
  el.title = 'Count a bin';
  draw();
  return el;
}

export const approvals = listScreen({
  title: 'Approve counts', cls: 'approvals', path: '/api/v1/counts?state=awaiting_approval',
  empty: 'No counts are waiting.',
  row: (c, _nav, msg, reload) => {
    const decide = (verb) => feedback.act(msg, () => api.post(`/api/v1/counts/${enc(c.count)}/${verb}`),
      async (r) => {
        feedback.ok(verb === 'approve' ? 'Approved' : 'Rejected');
        await reload();
        feedback.say(msg, 'ok', r.state === 'posted'
          ? `Count of ${r.location} approved: the stock is corrected.`
          : `Count of ${r.location} rejected: the bin is to be counted again.`);
      });
    return h('div.card.static', { dataset: { count: c.count } },
      h('div.row', h('span.bin', c.location), h('span.sub', `by ${c.counted_by} · ${when(c.created_at)}`)),
      ...c.lines.map((l) => h(`div.row.countline${l.variance ? '.off' : ''}`, { dataset: { sku: l.sku } },
        h('span', l.sku), h('span', `${l.expected} → ${l.counted}`), h(`strong.variance${l.variance ? '.off' : ''}`, signed(l.variance)))),
      h('div.row.decide', busyButton('button.secondary', 'Reject', () => decide('reject')), busyButton('button.primary', 'Approve', () => decide('approve'))));
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
        feedback.ok(r.description || r.sku);
        feedback.say(msg, '', '');
        out.replaceChildren(h('div.card.static',
          h('div.desc', r.description || r.sku), h('div.sub', r.sku),
          h('div.figures', ...[['On hand', r.on_hand], ['Available', r.available], ['Reserved', r.reserved], ['Damaged', r.damaged]]
            .map(([k, v]) => h('div', h('span.label', k), h('strong', String(v))))),
          h('p.label', 'Bins'),
          r.locations.length ? null : h('p.sub', 'No stock on the books in any bin.'),
          ...r.locations.map((l) => h('div.row.binrow', { dataset: { location: l.location } }, h('span.bin', l.location),
            h('span', `${l.on_hand} on hand${l.damaged ? `, ${l.damaged} damaged` : ''}${l.count_due ? ' · count due' : ''}`)))));
      } catch (e) {
        out.replaceChildren();
        feedback.fail(feedback.words(e));
        feedback.say(msg, 'error', feedback.words(e));
      }
    },
  });
  const el = h('section.screen.inventory', scan, msg, out);
  el.title = 'Find an item';
  return el;
}
