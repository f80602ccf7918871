// The work queue, picking one order by scan, and staging it for the customer.
import { api, enc } from './api.js';
import * as feedback from './feedback.js';
import { scanField } from './scan.js';
import { h, busyButton, due, KIND, STATE } from './ui.js';
import { followLabel } from './screens-print.js';

const PICKABLE = ['open', 'accepted', 'picking'];

// Where an allocation goes next from the queue.
export function nextStep(nav, w) {
  if (PICKABLE.includes(w.state)) nav.go('pick', { id: w.id });
  else if (w.state === 'picked' && w.kind !== 'ship_from_store') nav.go('stage', { id: w.id, order: w.order });
  else if (w.kind === 'ship_from_store') nav.go('pack', { id: w.id });
  else nav.go('handover', { item: w });
}

// A queue entry as a card: kind, timer, priority, progress.
export function workCard(w, onclick, extra = null) {
  const d = due(w.due_in_seconds);
  const timer = h(`span.due${d.late ? '.late' : d.soon ? '.soon' : ''}`, d.text);
  timer.dataset.dueAt = w.due_in_seconds === null ? '' : String(Date.now() + w.due_in_seconds * 1000);
  return h('button.card', { type: 'button', onclick, dataset: { id: w.id, state: w.state } },
    h('div.row', h(`span.kind.${w.kind}`, KIND[w.kind] || w.kind), timer),
    h('div.row', h('strong', w.order), h('span.state', STATE[w.state] || w.state)),
    h('div.row.sub',
      h('span', w.customer_name || ''),
      h('span', `${w.units_picked} of ${w.units} picked`)),
    w.priority > 0 ? h('div.priority', `Priority ${w.priority}`) : null,
    w.arrival_bay ? h('div.arrived', `Customer waiting at bay ${w.arrival_bay}`) : null,
    w.staging_location ? h('div.sub', `Staged at ${w.staging_location}`) : null,
    extra);
}

// Timers tick on the handheld between refreshes.
export function tickTimers(root) {
  const t = setInterval(() => {
    for (const el of root.querySelectorAll('.due[data-due-at]')) {
      if (!el.dataset.dueAt) continue;
      const d = due(Math.round((Number(el.dataset.dueAt) - Date.now()) / 1000));
      el.textContent = d.text;
      el.className = `due${d.late ? ' late' : d.soon ? ' soon' : ''}`;
    }
  }, 15000);
  return () => clearInterval(t);
}

export function queue(params, nav) {
  let kind = params.kind || '';
  const list = h('div.list', h('p.hint', 'Loading…'));
  const msg = h('div.msg', { hidden: true });
  const load = async () => {
    try {
      const r = await api.get(`/api/v1/work?limit=200${kind ? `&kind=${kind}` : ''}`);
      feedback.say(msg, '', '');
      list.replaceChildren(...(r.work.length
        ? r.work.map((w) => workCard(w, () => nextStep(nav, w)))
        : [h('p.empty', 'Nothing to do right now. 🎉')]));
    } catch (e) {
      feedback.say(msg, 'error', feedback.words(e), load);
    }
  };
  const chips = h('div.chips', ...[['', 'All'], ['bopis', 'Pickup'], ['curbside', 'Curbside'], ['ship_from_store', 'Ship']].map(([k, label]) =>
    h(`button.chip${k === kind ? '.on' : ''}`, { type: 'button', onclick: (e) => {
      kind = k;
      for (const c of chips.children) c.classList.toggle('on', c === e.currentTarget);
      load();
    } }, label)));
  const el = h('section.screen.queue', chips, msg, list,
    h('div.actions', busyButton('button.secondary', 'Refresh', load)));
  el.title = 'Work queue';
  // New orders arrive from the OMS at any time: the queue refreshes itself while it is shown.
  const stopTimers = tickTimers(el);
  const refresh = setInterval(load, 30000);
  el.leave = () => { stopTimers(); clearInterval(refresh); };
  load();
  return el;
}

const REASONS = [
  ['not_found', 'Not on the shelf'],
  ['damaged', 'Damaged'],
  ['mismatch', 'Shelf has a different item'],
  ['other', 'Other reason'],
];

export function pick(params, nav) {
  const id = params.id;
  let view = null; // the allocation as the floor works it (lines with bins and counts)
  let highlight = null;
  const undo = []; // pick ids of this visit, last on top
  const msg = h('div.msg', { hidden: true });
  const head = h('div.pickhead');
  const lines = h('div.lines');
  let qty = 1;
  const qtyShown = h('output.qty', '1');
  const setQty = (n) => { qty = Math.max(1, Math.min(999, n)); qtyShown.textContent = String(qty); };
  const qtyBox = h('div.qtybox', h('span.label', 'Units per scan'),
    h('button.step', { type: 'button', 'aria-label': 'One less', onclick: () => setQty(qty - 1) }, '−'),
    qtyShown,
    h('button.step', { type: 'button', 'aria-label': 'One more', onclick: () => setQty(qty + 1) }, '+'));
  const undoButton = busyButton('button.secondary', 'Undo last pick', () => {
    const last = undo[undo.length - 1];
    if (!last) return null;
    return feedback.act(msg, () => api.post(`/api/v1/picks/${last}/undo`), (r) => {
      undo.pop();
      view = { ...view, ...r.allocation };
      highlight = r.undone.line;
      draw();
      feedback.ok(`Undone: ${r.undone.qty} × ${r.undone.sku}`);
      feedback.say(msg, 'ok', `Pick undone. Put ${r.undone.qty} × ${r.undone.sku} back in ${r.undone.location}.`);
    });
  }, { disabled: true });
  const finish = h('button.primary', { type: 'button' }, 'Finish picking');
  const reasons = h('div.sheet', { hidden: true });

  function draw() {
    const a = view;
    const total = a.lines.reduce((n, l) => n + l.qty - l.cancelled - l.rejected, 0);
    const picked = a.lines.reduce((n, l) => n + l.picked, 0);
    head.replaceChildren(
      h('div.row', h('span.title', h(`span.kind.${a.kind}`, KIND[a.kind] || a.kind), h('strong', a.order)), h('span.state', STATE[a.state] || a.state)),
      h('div.progress', h('div.bar', { style: { width: `${total ? (100 * picked) / total : 100}%` } })),
      h('p.count', { dataset: { picked, total } }, `${picked} of ${total} units picked`),
      a.customer_name ? h('p.sub', a.customer_name) : null);
    // Walking order (by bin), kept while picking: a finished line greys out where it is.
    const sorted = [...a.lines].sort((x, y) => x.location.localeCompare(y.location) || x.line.localeCompare(y.line, undefined, { numeric: true }));
    lines.replaceChildren(...sorted.map((l) => {
      const needed = l.qty - l.cancelled - l.rejected;
      const card = h(`div.line${l.to_pick === 0 ? '.done' : ''}${l.line === highlight ? '.hit' : ''}`, { dataset: { line: l.line } },
        h('div.row', h('span.bin', l.location || '—'), h('span.n', { dataset: { picked: l.picked, needed } }, `${l.picked} / ${needed}`)),
        h('div.desc', l.description || l.sku),
        h('div.row.sub', h('span', l.sku), l.substitute_sku ? h('span', `Substitute ${l.substitute_sku}`) : null,
          l.cancelled ? h('span', `${l.cancelled} cancelled`) : null, l.rejected ? h('span', `${l.rejected} short`) : null),
        // The customer accepts substitutes: a line whose item is not there can take another.
        a.substitutions_allowed && l.to_pick > 0 && PICKABLE.includes(a.state)
          ? h('button.link', { type: 'button', onclick: () => substituteFor(l) }, l.substitute_sku ? 'Pick more of the substitute' : 'Not there? Pick a substitute')
          : null);
      return card;
    }));
    lines.querySelector('.hit')?.scrollIntoView({ block: 'nearest' });
    undoButton.disabled = undo.length === 0 || !PICKABLE.includes(a.state);
    // Finishing is the main action only once everything is picked; before that it is the way
    // out for a short pick, so it does not look like the next step.
    finish.textContent = a.units_to_pick === 0 ? 'Finish picking' : `Finish with ${a.units_to_pick} missing`;
    finish.className = a.units_to_pick === 0 ? 'primary' : 'secondary';
    if (!PICKABLE.includes(a.state)) {
      finish.textContent = a.state === 'picked' ? 'Next: stage it' : 'Back to the queue';
      finish.className = 'primary';
    }
  }

  // The floor's working view (bins, GTINs, picked and to pick per line). Reading it changes
  // nothing: the first pick accepts an open order (fulfilment.md).
  async function load() {
    try {
      const r = await api.get(`/api/v1/allocations/${enc(id)}`);
      view = r.allocation;
      draw();
    } catch (e) {
      feedback.say(msg, 'error', feedback.words(e), load);
    }
  }

  // The next scan names a substitute for this line (until it succeeds or is cancelled).
  let substitute = null;
  function substituteFor(line) {
    substitute = line;
    feedback.say(msg, 'pending', `Scan the substitute for ${line.description || line.sku}.`);
    msg.append(h('button.secondary', { type: 'button', onclick: () => { substitute = null; feedback.say(msg, '', ''); } }, 'Cancel substitute'));
    scan.focus();
  }

  function onScan(code) {
    if (!view) return null;
    const n = qty;
    const body = n === 1 ? { code } : { code, qty: n };
    if (substitute) body.substitute_for_line = substitute.line;
    feedback.say(msg, 'pending', substitute ? `Checking ${code} as a substitute…` : `Checking ${code}…`);
    return feedback.act(msg,
      () => api.post(`/api/v1/allocations/${enc(id)}/picks`, body),
      (r) => {
        substitute = null;
        view = { ...view, ...r.allocation };
        highlight = r.pick.line;
        undo.push(r.pick.pick_id);
        setQty(1);
        const line = view.lines.find((l) => l.line === r.pick.line);
        const what = r.pick.substitute
          ? `${r.pick.sku} (substitute for ${line?.description || line?.sku})`
          : line?.description || r.pick.sku;
        feedback.ok(`${what} ${r.pick.line_picked} of ${r.pick.line_needed}`);
        feedback.say(msg, 'ok', r.pick.units_to_pick === 0
          ? `${r.pick.qty} × ${what} picked. All done — tap Finish picking.`
          : `${r.pick.qty} × ${what} picked (${r.pick.line_picked} of ${r.pick.line_needed}). ${r.pick.units_to_pick} to go.`);
        draw();
      },
      () => { substitute = null; highlight = null; if (view) draw(); });
  }

  function complete(reason) {
    reasons.hidden = true;
    return feedback.act(msg,
      () => api.post(`/api/v1/allocations/${enc(id)}/complete-pick`, reason ? { short_reason: reason } : {}),
      (r) => {
        view = { ...view, ...r.allocation };
        if (view.state === 'rejected') {
          feedback.ok('Order given back');
          nav.replace('queue');
          return;
        }
        feedback.ok('Picked');
        nav.replace(view.kind === 'ship_from_store' ? 'pack' : 'stage', { id, order: view.order });
      });
  }
  finish.addEventListener('click', () => {
    if (!view) return;
    if (view.state === 'picked') { nav.replace(view.kind === 'ship_from_store' ? 'pack' : 'stage', { id, order: view.order }); return; }
    if (!PICKABLE.includes(view.state)) { nav.back(); return; }
    if (view.units_to_pick === 0) { complete(null); return; }
    reasons.replaceChildren(
      h('p', `${view.units_to_pick} unit${view.units_to_pick === 1 ? ' is' : 's are'} not picked. They will be reported as missing and the OMS finds them elsewhere. Why?`),
      ...REASONS.map(([code, label]) => h('button.secondary', { type: 'button', dataset: { reason: code }, onclick: () => complete(code) }, label)),
      h('button.link', { type: 'button', onclick: () => { reasons.hidden = true; } }, 'Keep picking'));
    reasons.hidden = false;
  });

  const scan = scanField({ label: 'Scan the item', onScan });
  const el = h('section.screen.pick', head, scan, qtyBox, msg, lines, reasons,
    h('div.actions', undoButton, finish));
  el.title = `Pick ${id}`;
  load();
  return el;
}

export function stage(params, nav) {
  const id = params.id;
  const msg = h('div.msg', { hidden: true });
  const done = h('div.finished', { hidden: true });
  const label = h('p.printline', { hidden: true });
  let staged = false;
  let stopLabel = () => {};
  // Picked from a batch: back to the batch for its next order; else on to the queue.
  const fromBatch = nav.below() === 'batchpick';
  const next = h('button.primary', { type: 'button', onclick: () => {
    if (fromBatch) { nav.back(); return; }
    nav.reset('home');
    if (staged) nav.go('queue');
  } }, 'Done');
  const scan = scanField({
    label: 'Scan the staging location', camera: true,
    onScan: (location) => feedback.act(msg,
      () => api.post(`/api/v1/allocations/${enc(id)}/stage`, { location }),
      (r) => {
        feedback.ok(`Ready at ${r.staging_location}`);
        feedback.say(msg, 'ok', `Order ${r.allocation.order} is ready for the customer at ${r.staging_location}.${staged ? '' : ' A bag label is queued.'}`);
        done.hidden = false;
        done.replaceChildren(h('span.label', 'Staged at'), h('p.big', r.staging_location), h('p.sub', 'Scan another location to move it.'));
        next.textContent = fromBatch ? 'Back to the batch' : 'Next order';
        // Staging queued the bag label (moving it later does not print another): how it goes.
        if (!staged) stopLabel = followLabel(label, id, nav);
        staged = true;
      }),
  });
  const el = h('section.screen.stage',
    h('p.lead', `Put order ${params.order || id} in a pickup location, then scan the location’s label.`),
    scan, msg, done, label, h('div.actions', next));
  el.title = 'Stage';
  el.leave = () => stopLabel();
  return el;
}
