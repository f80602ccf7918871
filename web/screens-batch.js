// Batch picking: several orders in one walk through the bins, each scanned unit put into the slot
// (tote, cart shelf) of its order.
import { api, enc } from './api.js';
import * as feedback from './feedback.js';
import { scanField } from './scan.js';
import { h, busyButton, KIND } from './ui.js';
import { unavailable } from './screens-pack.js';

export function choose(_params, nav) {
  const msg = h('div.msg', { hidden: true });
  const list = h('div.list', h('p.hint', 'Loading…'));
  const chosen = new Set();
  const start = busyButton('button.primary', 'Choose orders to batch', () => {
    if (chosen.size < 2) { feedback.fail('Choose at least two orders'); return null; }
    return feedback.act(msg, () => api.post('/api/v1/batches', { allocations: [...chosen] }), (r) => {
      feedback.ok('Batch ready');
      nav.replace('batchpick', { id: r.id ?? r.batch?.id ?? r.batch });
    }, (e) => unavailable(msg, e, 'Batch picking'));
  });
  const load = async () => {
    try {
      const r = await api.get('/api/v1/work?limit=200');
      const work = r.work.filter((w) => ['open', 'accepted'].includes(w.state));
      list.replaceChildren(...(work.length ? work.map((w) => {
        const box = h('input', { type: 'checkbox', 'aria-label': `Batch ${w.order}` });
        box.addEventListener('change', () => {
          if (box.checked) chosen.add(w.id); else chosen.delete(w.id);
          start.textContent = chosen.size ? `Start batch of ${chosen.size}` : 'Choose orders to batch';
        });
        return h('label.card.pickable', box,
          h('div', h('div.row', h(`span.kind.${w.kind}`, KIND[w.kind] || w.kind), h('strong', w.order)),
            h('div.row.sub', h('span', w.customer_name || ''), h('span', `${w.units} unit${w.units === 1 ? '' : 's'}`))));
      }) : [h('p.empty', 'No new orders to batch.')]));
    } catch (e) {
      feedback.say(msg, 'error', feedback.words(e), load);
    }
  };
  const el = h('section.screen.batch', h('p.lead', 'Choose the orders to pick together.'), msg, list, h('div.actions', start));
  el.title = 'Batch pick';
  load();
  return el;
}

export function pick(params, nav) {
  const id = params.id;
  const msg = h('div.msg', { hidden: true });
  const slot = h('div.slot', { hidden: true });
  const stop = h('div.stop');
  const slots = h('div.slots');
  let batch = null;

  async function load() {
    try {
      batch = await api.get(`/api/v1/batches/${enc(id)}`);
      draw();
    } catch (e) {
      if (!unavailable(msg, e, 'Batch picking')) feedback.say(msg, 'error', feedback.words(e), load);
    }
  }
  function draw() {
    const next = batch.stops.find((s) => s.to_pick > 0);
    const left = batch.stops.reduce((n, s) => n + s.to_pick, 0);
    stop.replaceChildren(...(next ? [
      h('span.label', `Next bin · ${left} unit${left === 1 ? '' : 's'} left`),
      h('p.big', next.location),
      h('div.desc', next.description || next.sku), h('div.sub', next.sku),
      h('p.count', `Pick ${next.to_pick}`),
    ] : [h('p.big', 'All picked'), h('p', 'Finish each order from the work queue.')]));
    slots.replaceChildren(...batch.slots.map((s) => h('div.slotchip', { dataset: { slot: s.slot } }, h('strong', String(s.slot)), h('span', s.order))));
  }
  const scan = scanField({
    label: 'Scan the item',
    onScan: (code) => feedback.act(msg, () => api.post(`/api/v1/batches/${enc(id)}/picks`, { code }), async (r) => {
      feedback.ok(`Slot ${r.slot}`);
      slot.hidden = false;
      slot.replaceChildren(h('span.label', 'Put it in slot'), h('strong', String(r.slot)), h('span', r.allocation));
      await load();
    }, (e) => { slot.hidden = true; unavailable(msg, e, 'Batch picking'); }),
  });
  const el = h('section.screen.batchpick', slot, stop, scan, msg, slots,
    h('div.actions', h('button.secondary', { type: 'button', onclick: () => nav.reset('home') }, 'Leave the batch')));
  el.title = `Batch ${id}`;
  load();
  return el;
}
