// The pickup counter: find the customer's order, check who they are, hand it over (all of it or
// part), and record a curbside customer's bay.
import { api, enc } from './api.js';
import * as feedback from './feedback.js';
import { scanField } from './scan.js';
import { h, busyButton, STATE } from './ui.js';
import { workCard, tickTimers } from './screens-pick.js';

export function search(params, nav) {
  const msg = h('div.msg', { hidden: true });
  const list = h('div.list');
  const find = async (q) => {
    try {
      const r = await api.get(`/api/v1/pickups?q=${enc(q)}`);
      feedback.say(msg, '', '');
      if (!r.pickups.length) {
        feedback.fail('No order found');
        feedback.say(msg, 'error', `No pickup order matches “${q}”. Try the order number, the pickup code or the customer’s name.`);
      }
      list.replaceChildren(...r.pickups.map((w) => workCard(w, () => nav.go('handover', { item: w }),
        w.kind === 'curbside' && !w.arrival_bay ? h('span.hint', 'Tap to record the bay when they arrive') : null)));
    } catch (e) {
      feedback.fail(feedback.words(e));
      feedback.say(msg, 'error', feedback.words(e), () => find(q));
    }
  };
  const scan = scanField({
    label: 'Scan the order barcode or pickup code',
    placeholder: 'Scan here, or ⌨ for a name', onScan: find, name: 'pickup-search',
  });
  const el = h('section.screen.pickup', scan, msg, list);
  el.title = 'Customer pickup';
  el.leave = tickTimers(el);
  if (params.q) find(params.q);
  return el;
}

const METHODS = [
  ['pickup_code', 'Pickup code'],
  ['id_document', 'ID checked'],
  ['other', 'Other'],
];

export function handover(params, nav) {
  const w = params.item;
  const msg = h('div.msg', { hidden: true });
  let method = 'pickup_code';
  let partial = null; // [{line, description, sku, qty, max}] when handing over fewer
  const code = h('input.code', { type: 'text', inputmode: 'numeric', autocomplete: 'off', name: 'pickup-code', placeholder: 'Code the customer shows', 'aria-label': 'Pickup code' });
  const note = h('textarea', { rows: 2, maxlength: 500, name: 'note', placeholder: 'How you checked who they are', 'aria-label': 'Note' });
  const proof = h('div.proof');
  const tabs = h('div.chips.segmented', ...METHODS.map(([m, label]) =>
    h(`button.chip${m === method ? '.on' : ''}`, { type: 'button', dataset: { method: m }, onclick: (e) => {
      method = m;
      for (const c of tabs.children) c.classList.toggle('on', c === e.currentTarget);
      drawProof();
    } }, label)));
  function drawProof() {
    if (method === 'pickup_code') proof.replaceChildren(h('label.field', h('span.label', 'Pickup code'), code));
    else if (method === 'id_document') proof.replaceChildren(h('p.hint', 'Check the name on a photo ID matches the order.'), h('label.field', h('span.label', 'Note (optional)'), note));
    else proof.replaceChildren(h('label.field', h('span.label', 'Note (required)'), note));
    (method === 'pickup_code' ? code : note).focus();
  }
  code.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); give.click(); } });

  const lines = h('div.lines');
  const fewer = busyButton('button.link', 'Customer takes fewer items', async () => {
    // What is in the bag: picked less handed per line, from the allocation as the floor sees it.
    await feedback.act(msg, () => api.get(`/api/v1/allocations/${enc(w.id)}`), (r) => {
      partial = r.allocation.lines.filter((l) => l.picked - l.handed > 0).map((l) => ({
        line: l.line, description: l.description || l.sku, sku: l.sku, max: l.picked - l.handed, qty: l.picked - l.handed,
      }));
      fewer.hidden = true;
      drawLines();
    });
  });
  function drawLines() {
    lines.replaceChildren(h('p.label', 'Items the customer takes'), ...partial.map((p) => {
      const n = h('output.qty', String(p.qty));
      const set = (v) => { p.qty = Math.max(0, Math.min(p.max, v)); n.textContent = String(p.qty); };
      return h('div.line', { dataset: { line: p.line } },
        h('div.desc', p.description), h('div.row.sub', h('span', p.sku), h('span', `${p.max} in the bag`)),
        h('div.qtybox', h('button.step', { type: 'button', 'aria-label': 'One less', onclick: () => set(p.qty - 1) }, '−'), n,
          h('button.step', { type: 'button', 'aria-label': 'One more', onclick: () => set(p.qty + 1) }, '+')));
    }), h('p.hint', 'Items left behind go on the put-back list.'));
  }

  const give = busyButton('button.primary', 'Hand over', () => {
    const verification = { method };
    if (method === 'pickup_code') {
      if (!code.value.trim()) { feedback.fail('Enter the pickup code'); code.focus(); return null; }
      verification.code = code.value.trim();
    } else if (note.value.trim()) {
      verification.note = note.value.trim();
    } else if (method === 'other') {
      feedback.fail('Write how you checked who they are');
      note.focus();
      return null;
    }
    const body = { verification };
    if (partial) body.lines = partial.map((p) => ({ line: p.line, qty: p.qty }));
    return feedback.act(msg, () => api.post(`/api/v1/allocations/${enc(w.id)}/handover`, body), (r) => {
      const handed = r.allocation.lines.reduce((n, l) => n + l.handed, 0);
      const left = r.allocation.lines.reduce((n, l) => n + l.picked, 0) - handed;
      feedback.ok('Handed over');
      feedback.say(msg, 'ok', `Order ${w.order} handed over to ${w.customer_name || 'the customer'} (${handed} item${handed === 1 ? '' : 's'}).${
        left ? ` ${left} left behind ${left === 1 ? 'goes' : 'go'} on the put-back list.` : ''}`);
      body_.replaceChildren(h('div.finished', h('p.big', '✓ Handed over'), h('p', w.customer_name || '')));
      give.hidden = true;
      next.hidden = false;
    }, (e) => { if (e.code === 'wrong_pickup_code') { code.select(); code.focus(); } });
  });
  const next = h('button.primary', { type: 'button', hidden: true, onclick: () => nav.back() }, 'Next customer');

  const ready = w.state === 'ready';
  const body_ = ready
    ? h('div.stack', h('p.label', 'Check who the customer is'), tabs, proof, fewer, lines)
    : h('div.msg.warn', h('p', `This order is not ready yet (${STATE[w.state] || w.state}). It must be picked and staged before it can be handed over.`));
  const el = h('section.screen.handover',
    h('div.card.static',
      h('div.row', h('strong', w.order), h('span', ready ? `${w.units_picked} item${w.units_picked === 1 ? '' : 's'}` : `${w.units_picked} of ${w.units} picked`)),
      h('div.row.sub', h('span', w.customer_name || ''), w.arrival_bay ? h('span.arrived', `Bay ${w.arrival_bay}`) : null),
      w.staging_location ? h('div.fetch', h('span.label', 'Fetch from'), h('span.big', w.staging_location)) : null),
    w.kind === 'curbside' ? h('button.secondary', { type: 'button', onclick: () => nav.go('arrival', { item: w }) },
      w.arrival_bay ? `Customer moved? Change bay (${w.arrival_bay})` : 'Customer has arrived: record the bay') : null,
    msg, body_,
    h('div.actions', give, next));
  el.title = 'Hand over';
  if (!ready) give.hidden = true;
  else setTimeout(drawProof, 0);
  return el;
}

export function arrival(params, nav) {
  const w = params.item;
  const msg = h('div.msg', { hidden: true });
  const record = (bay) => feedback.act(msg,
    () => api.post(`/api/v1/allocations/${enc(w.id)}/arrival`, { bay }),
    (r) => {
      feedback.ok(`Bay ${r.bay}`);
      nav.back();
      nav.replace('handover', { item: { ...w, arrival_bay: r.bay } });
    });
  const other = h('input', { type: 'text', name: 'bay', autocomplete: 'off', placeholder: 'Other bay', 'aria-label': 'Bay' });
  other.addEventListener('keydown', (e) => { if (e.key === 'Enter' && other.value.trim()) { e.preventDefault(); record(other.value.trim()); } });
  const el = h('section.screen.arrival',
    h('p.lead', `${w.customer_name || 'The customer'} is here for ${w.order}. Which bay are they in?`),
    msg,
    h('div.bays', ...['1', '2', '3', '4', '5', '6', '7', '8'].map((b) => h('button.bay', { type: 'button', onclick: () => record(b) }, b))),
    h('label.field', h('span.label', 'Another bay'), other));
  el.title = 'Curbside arrival';
  return el;
}
