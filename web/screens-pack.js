// Packing a picked ship-from-store order: items scanned into packages, each weighed and measured,
// packing closed (the OMS is asked for labels), a tracking number typed where no label came, and
// the order shipped.
import { api, enc } from './api.js';
import * as feedback from './feedback.js';
import { scanField } from './scan.js';
import { h, busyButton, STATE } from './ui.js';

const LABEL = { none: 'No label yet', requested: 'Label requested…', created: 'Label ready', failed: 'Label failed' };

export function unavailable(box, e, what) {
  if (e?.status === 404 && e.code === 'not_found' && /no such resource/.test(e.message)) {
    feedback.say(box, 'warn', `${what} is not available on this store server yet.`);
    return true;
  }
  return false;
}

export function pack(params, nav) {
  const id = params.id;
  const msg = h('div.msg', { hidden: true });
  const head = h('div.pickhead');
  const boxes = h('div.lines');
  let a = null; // the allocation with its packages
  let current = null; // the package items go into
  let removing = false;

  async function load() {
    try {
      const r = await api.get(`/api/v1/allocations/${enc(id)}`);
      a = r.allocation;
      const pkgs = a.packages || [];
      if (!current || !pkgs.some((p) => p.package === current)) current = pkgs.length ? pkgs[pkgs.length - 1].package : null;
      draw();
    } catch (e) {
      feedback.say(msg, 'error', feedback.words(e), load);
    }
  }

  function draw() {
    const pkgs = a.packages || [];
    const units = a.lines.reduce((n, l) => n + l.qty, 0);
    const packed = pkgs.reduce((n, p) => n + p.lines.reduce((m, l) => m + l.qty, 0), 0);
    const closed = a.state !== 'picked' && a.state !== 'packing';
    head.replaceChildren(h('div.row', h('span.kind.ship_from_store', 'Ship'), h('strong', a.order)),
      h('p.count', `${packed} of ${units} units packed · ${STATE[a.state] || a.state}`));
    // Once packing is closed, only labels, tracking numbers and shipping are left to do.
    scan.hidden = closed;
    tools.hidden = closed;
    const noLabel = pkgs.filter((p) => p.label_state === 'failed' || (closed && p.label_state === 'none' && !p.tracking));
    if (closed && noLabel.length)
      feedback.say(msg, 'warn', `${noLabel.length === 1 ? 'One package has' : `${noLabel.length} packages have`} no label. Write the carrier’s label by hand and type its tracking number.`);
    else if (closed) feedback.say(msg, 'ok', 'Put each label on its package, then tap Ship.');
    boxes.replaceChildren(...pkgs.map((p, i) => h(`div.line${p.package === current ? '.hit' : ''}`,
      { dataset: { package: p.package }, onclick: () => { current = p.package; draw(); } },
      h('div.row', h('strong', `Package ${i + 1}`), h('span', LABEL[p.label_state] || p.label_state)),
      ...p.lines.map((l) => h('div.row.sub', h('span', l.sku), h('span', `× ${l.qty}`))),
      h('div.row.sub', h('span', p.weight_g ? `${p.weight_g} g` : 'Not weighed'), h('span', p.dims_mm ? p.dims_mm.join(' × ') + ' mm' : 'No size')),
      p.tracking ? h('div.sub', `${p.carrier || ''} ${p.tracking}`) : null,
      p.label_error ? h('div.sub.error', p.label_error) : null,
      p.label_state === 'failed' || (a.state === 'packed' && p.label_state === 'none')
        ? h('button.secondary', { type: 'button', onclick: (e) => { e.stopPropagation(); trackingForm(p); } }, 'Type the tracking number') : null)));
    if (!pkgs.length) boxes.append(h('p.hint', 'Start a package, then scan each item into it.'));
    main.textContent = a.state === 'packed' ? 'Ship' : 'Finish packing';
    mode.textContent = removing ? 'Scanning takes items out' : 'Take an item out';
    mode.classList.toggle('on', removing);
  }

  const post = (path, body, done) => feedback.act(msg, () => api.post(path, body), done, (e) => unavailable(msg, e, 'Packing'));

  const scan = scanField({
    label: 'Scan an item into the package',
    onScan: (code) => {
      if (!current) { feedback.fail('Start a package first'); return null; }
      const path = `/api/v1/allocations/${enc(id)}/packages/${enc(current)}/items${removing ? '/remove' : ''}`;
      return post(path, { code }, async () => {
        feedback.ok(removing ? 'Taken out' : 'Packed');
        await load();
      });
    },
  });
  const newPackage = busyButton('button.secondary', 'New package', () =>
    post(`/api/v1/allocations/${enc(id)}/packages`, {}, async (r) => {
      current = r.package;
      feedback.ok('New package');
      await load();
    }));
  const mode = h('button.secondary', { type: 'button', onclick: () => { removing = !removing; draw(); } }, 'Take an item out');

  const weight = h('input', { type: 'number', inputmode: 'numeric', min: 1, name: 'weight', placeholder: 'grams', 'aria-label': 'Weight in grams' });
  const dims = ['Length', 'Width', 'Height'].map((d) => h('input', { type: 'number', inputmode: 'numeric', min: 1, name: d.toLowerCase(), placeholder: d, 'aria-label': `${d} in mm` }));
  const sizeForm = h('div.sheet', { hidden: true },
    h('p', 'Weight and size of this package'),
    h('label.field', h('span.label', 'Weight (g)'), weight),
    h('div.dims', dims),
    busyButton('button.primary', 'Save', () => {
      const body = { weight_g: Number(weight.value), dims_mm: dims.map((d) => Number(d.value)) };
      if (!(body.weight_g > 0) || body.dims_mm.some((v) => !(v > 0))) { feedback.fail('Enter the weight and all three sizes'); return null; }
      return feedback.act(msg, () => api.action('PATCH', `/api/v1/allocations/${enc(id)}/packages/${enc(current)}`, body), async () => {
        sizeForm.hidden = true;
        feedback.ok('Saved');
        await load();
      }, (e) => unavailable(msg, e, 'Packing'));
    }),
    h('button.link', { type: 'button', onclick: () => { sizeForm.hidden = true; scan.focus(); } }, 'Cancel'));
  const sizeButton = h('button.secondary', { type: 'button', onclick: () => { if (current) sizeForm.hidden = false; weight.focus(); } }, 'Weight & size');

  const carrier = h('input', { type: 'text', name: 'carrier', placeholder: 'Carrier', 'aria-label': 'Carrier' });
  const tracking = h('input', { type: 'text', name: 'tracking', autocomplete: 'off', placeholder: 'Scan or type the tracking number', 'aria-label': 'Tracking number' });
  const trackForm = h('div.sheet', { hidden: true });
  function trackingForm(p) {
    trackForm.replaceChildren(h('p', 'No label came for this package. Write the carrier’s label by hand and type its number.'),
      h('label.field', h('span.label', 'Carrier'), carrier), h('label.field', h('span.label', 'Tracking number'), tracking),
      busyButton('button.primary', 'Save tracking', () => feedback.act(msg,
        () => api.action('PUT', `/api/v1/allocations/${enc(id)}/packages/${enc(p.package)}/tracking`, { carrier: carrier.value.trim(), tracking: tracking.value.trim() }),
        async () => { trackForm.hidden = true; feedback.ok('Tracking saved'); await load(); },
        (e) => unavailable(msg, e, 'Packing'))),
      h('button.link', { type: 'button', onclick: () => { trackForm.hidden = true; } }, 'Cancel'));
    trackForm.hidden = false;
    carrier.focus();
  }

  const main = busyButton('button.primary', 'Finish packing', () => {
    if (!a) return null;
    if (a.state === 'packed')
      return post(`/api/v1/allocations/${enc(id)}/ship`, {}, () => { feedback.ok('Shipped'); nav.reset('home'); });
    return post(`/api/v1/allocations/${enc(id)}/pack`, {}, async () => {
      feedback.ok('Packed — labels requested');
      await load();
    });
  });

  const tools = h('div.tools', newPackage, sizeButton, mode);
  const el = h('section.screen.pack', head, scan, msg, tools, boxes, sizeForm, trackForm,
    h('div.actions', main));
  el.title = `Pack ${id}`;
  load();
  return el;
}
