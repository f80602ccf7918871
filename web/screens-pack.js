// Packing a picked ship-from-store order: items scanned into packages, each weighed and measured,
// packing closed (the OMS is asked for a label per package), a tracking number typed where no
// label came, and the order shipped.
import { api, enc } from './api.js';
import * as feedback from './feedback.js';
import { scanField } from './scan.js';
import { h, busyButton, STATE } from './ui.js';

const LABEL = { none: 'No label yet', requested: 'Label requested…', created: 'Label ready', failed: 'Label failed' };
// What a package's top line says: its units while packing, then where its label or number is.
function labelText(p, packing) {
  if (packing) return `${p.units} unit${p.units === 1 ? '' : 's'}`;
  if (p.tracking && p.label_state !== 'created') return 'Number typed';
  return LABEL[p.label_state] || p.label_state;
}
// While labels are awaited the screen looks again this often.
const LABEL_POLL_MS = 4000;

export function pack(params, nav) {
  const id = params.id;
  const msg = h('div.msg', { hidden: true });
  const head = h('div.pickhead');
  const boxes = h('div.lines');
  let a = null; // the allocation as the floor sees it, with its packages
  let current = null; // the name of the package items go into
  let removing = false;

  const packing = () => a && (a.state === 'picked' || a.state === 'packing');
  const describe = (sku) => a.lines.find((l) => l.sku === sku || l.substitute_sku === sku)?.description || sku;
  // An answer's allocation (FloorAllocation) over what the screen has; packages as answered.
  const take = (allocation, packages) => {
    if (allocation) a = { ...a, ...allocation };
    if (packages) a.packages = packages;
    if (!a.packages.some((p) => p.package === current)) current = a.packages.at(-1)?.package ?? null;
  };
  const replacePackage = (p) => { a.packages = a.packages.map((x) => (x.package === p.package ? p : x)); };

  async function load() {
    try {
      const r = await api.get(`/api/v1/allocations/${enc(id)}`);
      a = r.allocation;
      take(null, a.packages);
      draw();
    } catch (e) {
      feedback.say(msg, 'error', feedback.words(e), load);
    }
  }

  // Once packed, labels come from the OMS in their own time: look again while any is awaited.
  const poll = setInterval(() => {
    if (a?.state === 'packed' && a.packages.some((p) => p.label_state === 'requested' && !p.tracking)) load();
  }, LABEL_POLL_MS);

  function packedMessage() {
    const missing = a.packages.filter((p) => !p.tracking);
    const failed = missing.filter((p) => p.label_state === 'failed');
    if (!missing.length) feedback.say(msg, 'ok', 'Put each label on its package, then tap Ship.');
    else if (failed.length)
      feedback.say(msg, 'warn', `${failed.length === 1 ? 'One package has' : `${failed.length} packages have`} no label. Write the carrier’s label by hand and type its tracking number.`);
    else
      feedback.say(msg, 'pending', `Waiting for ${missing.length === 1 ? 'the label' : `${missing.length} labels`} from the OMS. Used a carrier’s pre-printed label? Type its tracking number.`);
  }

  function draw() {
    const picked = a.lines.reduce((n, l) => n + l.picked, 0);
    const packed = a.packages.reduce((n, p) => n + p.units, 0);
    head.replaceChildren(
      h('div.row', h('span.title', h('span.kind.ship_from_store', 'Ship'), h('strong', a.order)), h('span.state', STATE[a.state] || a.state)),
      h('p.count', { dataset: { packed, picked } }, `${packed} of ${picked} units packed`),
      a.customer_name ? h('p.sub', a.customer_name) : null);
    scan.hidden = !packing();
    tools.hidden = !packing();
    if (a.state === 'packed') packedMessage();
    boxes.replaceChildren(...a.packages.map((p) => {
      const chosen = packing() && p.package === current;
      const typeIt = a.state === 'packed' && p.label_state !== 'created';
      return h(`div.line.package${chosen ? '.hit' : ''}`,
        { dataset: { package: p.package, label: p.label_state }, onclick: () => { if (packing()) { current = p.package; draw(); } } },
        h('div.row', h('strong', `Package ${p.package}`), h('span.labelstate', labelText(p, packing()))),
        ...p.lines.map((l) => h('div.row.sub', h('span', describe(l.sku)), h('span', `× ${l.qty}`))),
        p.lines.length ? null : h('div.sub', chosen ? 'Empty: scan items into it' : 'Empty'),
        h('div.row.sub', h('span', p.weight_g ? `${p.weight_g} g` : 'Not weighed'), h('span', p.dims_mm ? `${p.dims_mm.join(' × ')} mm` : 'No size')),
        p.tracking ? h('div.tracking', `${p.carrier || ''} ${p.tracking}`.trim()) : null,
        p.label_error ? h('div.sub.error', p.label_error) : null,
        chosen ? h('button.secondary', { type: 'button', onclick: (e) => { e.stopPropagation(); sizeFormFor(p); } },
          p.weight_g ? 'Change weight & size' : 'Weight & size') : null,
        typeIt ? h('button.secondary', { type: 'button', onclick: (e) => { e.stopPropagation(); trackingForm(p); } },
          p.tracking ? 'Change the tracking number' : 'Type the tracking number') : null);
    }));
    if (!a.packages.length) boxes.append(h('p.hint', packing() ? 'Start a package, then scan each item into it.' : 'No packages.'));
    main.textContent = a.state === 'packed' ? 'Ship' : packing() ? 'Finish packing' : 'Back';
    mode.textContent = removing ? 'Scanning takes items out' : 'Take an item out';
    mode.classList.toggle('on', removing);
  }

  const scan = scanField({
    label: 'Scan an item into the package',
    onScan: (code) => {
      if (!current) { feedback.fail('Start a package first'); return null; }
      const out = removing;
      const path = `/api/v1/allocations/${enc(id)}/packages/${enc(current)}/items${out ? '/remove' : ''}`;
      return feedback.act(msg, () => api.post(path, { code }), (r) => {
        take(null, r.packages);
        const k = r.packed;
        const what = `${Math.abs(k.qty)} × ${describe(k.sku)}`;
        feedback.ok(out ? `Out of ${k.package}` : `Into ${k.package}`);
        feedback.say(msg, 'ok', `${what} ${out ? 'taken out of' : 'packed into'} ${k.package} (${k.package_units} in it). ${k.units_to_pack ? `${k.units_to_pack} left to pack.` : 'Everything is packed: weigh and measure, then Finish packing.'}`);
        draw();
      });
    },
  });
  const newPackage = busyButton('button.secondary', 'New package', () =>
    feedback.act(msg, () => api.post(`/api/v1/allocations/${enc(id)}/packages`), (r) => {
      a.packages = [...a.packages, r.package];
      current = r.package.package;
      take(r.allocation, null);
      feedback.ok(`Package ${current}`);
      feedback.say(msg, 'ok', `Package ${current} started: scan the items into it.`);
      draw();
    }));
  const mode = h('button.secondary', { type: 'button', onclick: () => { removing = !removing; draw(); } }, 'Take an item out');

  const weight = h('input', { type: 'number', inputmode: 'numeric', min: 1, name: 'weight', placeholder: 'grams', 'aria-label': 'Weight in grams' });
  const dims = ['Length', 'Width', 'Height'].map((d) => h('input', { type: 'number', inputmode: 'numeric', min: 1, name: d.toLowerCase(), placeholder: d, 'aria-label': `${d} in mm` }));
  const sizeTitle = h('p');
  const sizeForm = h('div.sheet', { hidden: true },
    sizeTitle,
    h('label.field', h('span.label', 'Weight (g)'), weight),
    h('span.label', 'Length × width × height (mm)'),
    h('div.dims', dims),
    busyButton('button.primary', 'Save', () => {
      const body = { weight_g: Number(weight.value), dims_mm: dims.map((d) => Number(d.value)) };
      if (!(body.weight_g > 0) || body.dims_mm.some((v) => !(v > 0))) { feedback.fail('Enter the weight and all three sizes'); return null; }
      return feedback.act(msg, () => api.action('PATCH', `/api/v1/allocations/${enc(id)}/packages/${enc(current)}`, body), (r) => {
        replacePackage(r.package);
        closeSheet(sizeForm);
        feedback.ok('Saved');
        feedback.say(msg, 'ok', `${r.package.package}: ${r.package.weight_g} g, ${r.package.dims_mm.join(' × ')} mm.`);
        draw();
        scan.focus();
      });
    }),
    h('button.link', { type: 'button', onclick: () => { closeSheet(sizeForm); scan.focus(); } }, 'Cancel'));
  function sizeFormFor(p) {
    sizeTitle.textContent = `Weight and size of package ${p.package}`;
    weight.value = p.weight_g ?? '';
    dims.forEach((d, i) => { d.value = p.dims_mm?.[i] ?? ''; });
    openSheet(sizeForm);
    weight.focus();
  }

  const carrier = h('input', { type: 'text', name: 'carrier', autocomplete: 'off', placeholder: 'Carrier', 'aria-label': 'Carrier' });
  const tracking = h('input', { type: 'text', name: 'tracking', autocomplete: 'off', placeholder: 'Scan or type the tracking number', 'aria-label': 'Tracking number' });
  const trackForm = h('div.sheet', { hidden: true });
  function trackingForm(p) {
    carrier.value = p.carrier || a.carrier || '';
    tracking.value = p.tracking || '';
    trackForm.replaceChildren(
      h('p', p.label_state === 'failed'
        ? `No label came for package ${p.package}. Write the carrier’s label by hand and type its number.`
        : `Package ${p.package} has a carrier’s pre-printed label: type its number.`),
      h('label.field', h('span.label', 'Carrier'), carrier), h('label.field', h('span.label', 'Tracking number'), tracking),
      busyButton('button.primary', 'Save tracking', () => {
        const body = { tracking: tracking.value.trim() };
        if (!body.tracking) { feedback.fail('Type the tracking number'); tracking.focus(); return null; }
        if (carrier.value.trim()) body.carrier = carrier.value.trim();
        return feedback.act(msg, () => api.action('PUT', `/api/v1/allocations/${enc(id)}/packages/${enc(p.package)}/tracking`, body), (r) => {
          replacePackage(r.package);
          closeSheet(trackForm);
          feedback.ok('Tracking saved');
          draw();
        });
      }),
      h('button.link', { type: 'button', onclick: () => closeSheet(trackForm) }, 'Cancel'));
    openSheet(trackForm);
    tracking.focus();
  }

  const main = busyButton('button.primary', 'Finish packing', () => {
    if (!a) return null;
    if (a.state === 'packed')
      return feedback.act(msg, () => api.post(`/api/v1/allocations/${enc(id)}/ship`), (r) => {
        feedback.ok(`${r.allocation.order} shipped`);
        nav.reset('home');
      });
    if (!packing()) { nav.back(); return null; }
    return feedback.act(msg, () => api.post(`/api/v1/allocations/${enc(id)}/pack`), (r) => {
      take(r.allocation, r.packages);
      feedback.ok('Packed — labels requested');
      draw();
    });
  });

  const tools = h('div.tools', newPackage, mode);
  const actions = h('div.actions', main);
  // A form sheet in use takes the bottom of the screen: the main action steps aside meanwhile.
  function openSheet(sheet) {
    for (const x of [sizeForm, trackForm]) x.hidden = x !== sheet;
    actions.hidden = true;
    sheet.scrollIntoView({ block: 'end' });
  }
  function closeSheet(sheet) {
    sheet.hidden = true;
    actions.hidden = false;
  }
  const el = h('section.screen.pack', head, scan, msg, tools, boxes, sizeForm, trackForm, actions);
  el.title = `Pack ${id}`;
  el.leave = () => clearInterval(poll);
  load();
  return el;
}
