// Batch picking: several orders in one walk through the bins, each scanned unit put into the slot
// (tote, cart shelf) of its order; then each order is finished and staged or packed as usual.
import { api, enc } from './api.js';
import * as feedback from './feedback.js';
import { scanField } from './scan.js';
import { h, busyButton, KIND, STATE } from './ui.js';

const PICKABLE = ['open', 'accepted', 'picking'];

export function choose(_params, nav) {
  const msg = h('div.msg', { hidden: true });
  const list = h('div.list', h('p.hint', 'Loading…'));
  const chosen = new Set();
  const start = busyButton('button.primary', 'Choose orders to batch', () => {
    if (chosen.size < 2) { feedback.fail('Choose at least two orders'); return null; }
    return feedback.act(msg, () => api.post('/api/v1/batches', { allocations: [...chosen] }), (r) => {
      feedback.ok(`Batch of ${r.batch.slots.length} ready`);
      nav.replace('batchpick', { id: r.batch.id, batch: r.batch });
    });
  });
  const resume = h('div.list');
  // Batches left half-way, on this handheld or another, are offered first (GET /api/v1/batches).
  const load = async () => {
    try {
      const [r, batches] = await Promise.all([api.get('/api/v1/work?limit=200'), api.get('/api/v1/batches')]);
      resume.replaceChildren(...batches.items.map((open) => h('button.card.resume', { type: 'button', dataset: { batch: open.id }, onclick: () => nav.replace('batchpick', { id: open.id, batch: open }) },
        h('div.row', h('strong', `Continue batch ${open.id}`), h('span', `${open.stops.reduce((n, s) => n + s.to_pick, 0)} to pick`)),
        h('div.sub', open.slots.map((s) => s.order).join(' · ')))));
      const inBatch = new Set(batches.items.flatMap((b) => b.slots.map((s) => s.allocation)));
      const work = r.work.filter((w) => PICKABLE.includes(w.state) && w.units_picked < w.units && !inBatch.has(w.id));
      list.replaceChildren(...(work.length ? work.map((w) => {
        const box = h('input', { type: 'checkbox', 'aria-label': `Batch ${w.order}` });
        box.addEventListener('change', () => {
          if (box.checked) chosen.add(w.id); else chosen.delete(w.id);
          start.textContent = chosen.size ? `Start batch of ${chosen.size}` : 'Choose orders to batch';
        });
        return h('label.card.pickable', { dataset: { id: w.id } }, box,
          h('div', h('div.row', h(`span.kind.${w.kind}`, KIND[w.kind] || w.kind), h('strong', w.order)),
            h('div.row.sub', h('span', w.customer_name || ''), h('span', `${w.units - w.units_picked} unit${w.units - w.units_picked === 1 ? '' : 's'} to pick`))));
      }) : [h('p.empty', 'No orders to pick.')]));
    } catch (e) {
      feedback.say(msg, 'error', feedback.words(e), load);
    }
  };
  const el = h('section.screen.batch', resume, h('p.lead', 'Choose the orders to pick together (2 to 12).'), msg, list, h('div.actions', start));
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
  let batch = params.batch || null; // as answered last; kept in params for coming back here
  const names = new Map(); // SKU → description, from the stops seen

  async function load() {
    try {
      batch = (await api.get(`/api/v1/batches/${enc(id)}`)).batch;
      params.batch = batch;
      draw();
    } catch (e) {
      feedback.say(msg, 'error', feedback.words(e), load);
    }
  }
  const orderOf = (allocation) => batch.slots.find((s) => s.allocation === allocation)?.order || allocation;

  function draw() {
    for (const s of batch.stops) names.set(s.sku, s.description || s.sku);
    const next = batch.stops[0];
    const left = batch.stops.reduce((n, s) => n + s.to_pick, 0);
    const toFinish = batch.slots.filter((s) => PICKABLE.includes(s.state));
    scan.hidden = !next;
    stop.replaceChildren(...(next ? [
      h('div.row', h('span.label', 'Next bin'), h('span.sub', `${left} unit${left === 1 ? '' : 's'} left in the batch`)),
      h('div.row', h('p.big', next.location), h('div.pickn', h('span.label', 'Pick'), h('strong', String(next.to_pick)))),
      h('div.desc', next.description || next.sku),
      h('div.sub', next.sku),
      h('div.need', ...next.slots.map((s) => h('span', `Slot ${s.slot} × ${s.to_pick}`))),
    ] : [h('p.big', 'All picked'), h('p', toFinish.length ? 'Finish each order: tap it below.' : 'Every order of the batch is finished.')]));
    slots.replaceChildren(h('span.label', 'Slots'), ...batch.slots.map((s) => {
      const finish = !next && PICKABLE.includes(s.state);
      const parts = [h('strong.n', String(s.slot)), h('span.order', s.order), h('span.state', finish ? 'Finish ›' : STATE[s.state] || s.state)];
      return finish
        ? h('button.slotrow.finish', { type: 'button', dataset: { slot: s.slot, state: s.state }, onclick: () => nav.go('pick', { id: s.allocation }) }, parts)
        : h('div.slotrow', { dataset: { slot: s.slot, state: s.state } }, parts);
    }));
    leave.className = next ? 'secondary' : 'primary';
    leave.textContent = next ? 'Leave the batch' : 'Done';
  }
  const scan = scanField({
    label: 'Scan the item',
    onScan: (code) => feedback.act(msg, () => api.post(`/api/v1/batches/${enc(id)}/picks`, { code }), async (r) => {
      const p = r.pick;
      feedback.ok(`Slot ${r.slot}`);
      slot.hidden = false;
      slot.replaceChildren(h('span.label', 'Put it in slot'), h('strong', String(r.slot)), h('span', orderOf(r.allocation)));
      feedback.say(msg, 'ok', `${p.qty} × ${names.get(p.sku) || p.sku} for ${orderOf(r.allocation)} (${p.line_picked} of ${p.line_needed}).`);
      await load();
    }, () => { slot.hidden = true; }),
  });
  const leave = h('button.secondary', { type: 'button', onclick: () => nav.reset('home') }, 'Leave the batch');
  // Ends the batch for everyone: its orders are free to pick alone or in another batch.
  const end = busyButton('button.secondary', 'End the batch', () =>
    feedback.act(msg, () => api.post(`/api/v1/batches/${enc(id)}/close`), () => {
      feedback.ok('Batch ended; its orders are free again');
      nav.reset('home');
    }));
  const el = h('section.screen.batchpick', slot, stop, scan, msg, slots, h('div.actions', leave, end));
  el.title = `Batch ${id}`;
  if (batch) draw();
  load();
  return el;
}
