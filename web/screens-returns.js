// POS returns at the till (docs/returns.md): find the customer's order by its receipt or number,
// choose the lines and units coming back with reason, condition and disposition, get a manager's
// approval where the policy says no, and show the receipt. Only on a device of kind `pos`.
import { api, creds, enc, newKey } from './api.js';
import * as feedback from './feedback.js';
import { scanField } from './scan.js';
import { h, busyButton } from './ui.js';
import { followJob } from './screens-print.js';
import {
  REASONS, CONDITIONS, DISPOSITIONS, RESTOCKABLE, BREACH, wordOf, methodWords, breachWords, breachesOf, money,
} from './returns-words.js';

// Returns are taken at a POS terminal: the session says what kind of device this is.
export async function isTill() {
  return creds.session?.device_kind === 'pos';
}

const ORDER_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const OMS = {
  offline: 'The OMS cannot be reached, so only orders this store holds can be found.',
  timeout: 'The OMS did not answer in time; only orders this store holds were searched.',
  unavailable: 'The OMS is not reachable; only orders this store holds were searched.',
  answered: 'The OMS was asked as well.',
};

// The link to the OMS as the lookup found it: said plainly when it is down, with the limit.
function linkNotice(box, found) {
  if (found.online) {
    feedback.say(box, '', '');
    return;
  }
  const limit = found.offline_limit;
  feedback.say(box, 'warn', limit
    ? `Offline: the OMS cannot be reached. A return of up to ${money(limit.amount, limit.currency)} can be taken now; a lead reviews it later.`
    : 'Offline: the OMS cannot be reached and has set no offline limit, so no return can be taken until it is back.');
  box.dataset.link = 'offline';
}

// Scan the receipt (or type the order number): the order, or the orders, found.
export function lookup(params, nav) {
  const msg = h('div.msg', { hidden: true });
  const link = h('div.msg.link', { hidden: true });
  const list = h('div.list');
  const open = (found, o) => nav.go('returnorder', { found, order: o });
  const find = async (code) => {
    feedback.say(msg, 'pending', `Looking for ${code}…`);
    list.replaceChildren();
    try {
      // An order number first; what is not one (or finds nothing) is a receipt's barcode.
      let found = ORDER_ID.test(code) ? await api.get(`/api/v1/returns/orders?order=${enc(code)}`) : null;
      if (!found?.orders.length) found = await api.get(`/api/v1/returns/orders?receipt=${enc(code)}`);
      linkNotice(link, found);
      if (!found.orders.length) {
        feedback.fail('No order found');
        feedback.say(msg, 'error', `No order found for “${code}”. ${OMS[found.oms] || ''}`.trim());
        return;
      }
      feedback.say(msg, '', '');
      if (found.orders.length === 1) {
        open(found, found.orders[0]);
        return;
      }
      list.replaceChildren(...found.orders.map((o) => h('button.card', { type: 'button', dataset: { order: o.order }, onclick: () => open(found, o) },
        h('div.row', h('strong', o.order), h('span.sub', o.placed_at ? new Date(o.placed_at).toLocaleDateString() : '')),
        h('div.sub', `${o.customer?.name || 'No name'} · ${o.lines.length} line${o.lines.length === 1 ? '' : 's'}`))));
    } catch (e) {
      feedback.fail(feedback.words(e));
      feedback.say(msg, 'error', feedback.words(e), () => find(code));
    }
  };
  const scan = scanField({ label: 'Scan the receipt or type the order number', onScan: find, name: 'return-order' });
  const el = h('section.screen.returns', scan, link, msg, list);
  el.title = 'Returns';
  if (params.code) find(params.code);
  return el;
}

// A scan names a line by its SKU or one of its GTINs, in any length (GTINs compare as GTIN-14).
const gtin14 = (code) => (/^\d{8,14}$/.test(code) ? code.padStart(14, '0') : null);
const names = (l, code) => l.sku === code || (gtin14(code) !== null && (l.gtins || []).some((g) => gtin14(g) === gtin14(code)));

function select(name, label, options, value, onchange, allowed = () => true) {
  const s = h('select', { name, 'aria-label': label, onchange: (e) => onchange(e.target.value) },
    h('option', { value: '', disabled: true }, `${label}…`),
    ...options.map(([code, words]) => h('option', { value: code, disabled: !allowed(code) }, words)));
  s.value = value || '';
  return s;
}

// One order: the lines, what each may still return and why not; the associate's choice; the
// return sent once, with one Idempotency-Key for it, its retries and its manager's approval.
export function order(params, nav) {
  const { found } = params;
  const o = params.order;
  const cur = o.currency;
  const manager = creds.session?.user.role === 'manager';
  const msg = h('div.msg', { hidden: true });
  const link = h('div.msg.link', { hidden: true });
  linkNotice(link, found);
  const chosen = new Map(); // line → {qty, code, reason, condition, disposition}
  let submission = null; // {key, sig}: the return asked for
  let locked = false; // sent and not answered: the choice stays as sent
  const lines = h('div.lines');
  const slip = h('input', { type: 'checkbox', name: 'slip', checked: true });
  const totalLine = h('p.total');
  const sheet = h('div.sheet.override', { hidden: true });

  const total = () => [...chosen].reduce((n, [line, c]) => n + o.lines.find((l) => l.line === line).unit_paid * c.qty, 0);
  const overLimit = () => !found.online && (!found.offline_limit || total() > found.offline_limit.amount);

  function details(l, c) {
    const n = h('output.qty', String(c.qty));
    const set = (v) => { c.qty = Math.max(1, Math.min(l.returnable_qty, v)); draw(); };
    return h('div.choice',
      h('div.qtybox', h('span.label', 'Units'),
        h('button.step', { type: 'button', 'aria-label': 'One less', disabled: locked, onclick: () => set(c.qty - 1) }, '−'), n,
        h('button.step', { type: 'button', 'aria-label': 'One more', disabled: locked, onclick: () => set(c.qty + 1) }, '+')),
      select('reason', 'Reason', REASONS, c.reason, (v) => { c.reason = v; draw(); }),
      select('condition', 'Condition', CONDITIONS, c.condition, (v) => {
        c.condition = v;
        // Restock only for new or opened goods; a suggestion the associate may change.
        if (c.disposition === 'restock' && !RESTOCKABLE.has(v)) c.disposition = '';
        if (!c.disposition && RESTOCKABLE.has(v)) c.disposition = 'restock';
        if (!c.disposition && (v === 'damaged' || v === 'defective')) c.disposition = 'damaged';
        draw();
      }),
      select('disposition', 'Goes to', DISPOSITIONS, c.disposition, (v) => { c.disposition = v; draw(); },
        (d) => d !== 'restock' || RESTOCKABLE.has(c.condition)),
      c.code ? h('p.sub', `Scanned ${c.code}`) : null);
  }

  function lineCard(l) {
    const c = chosen.get(l.line);
    const left = l.returnable_qty;
    const tick = h('input', { type: 'checkbox', name: `line-${l.line}`, checked: Boolean(c), disabled: locked || !left,
      onchange: (e) => { if (e.target.checked) chosen.set(l.line, { qty: 1, code: null, reason: '', condition: '', disposition: '' }); else chosen.delete(l.line); draw(); } });
    return h(`div.line.retline${c ? '.chosen' : ''}${left ? '' : '.done'}`, { dataset: { line: l.line, eligible: String(l.eligible) } },
      h('div.row', h('div.desc', l.description || l.sku), h('strong', money(l.unit_paid, cur))),
      h('div.row.sub', h('span', l.sku), h('span', `${l.qty} bought · ${l.returned} returned`)),
      h('div.row.sub', h('span', `Return by ${l.return_by}`), h('strong.left', left ? `${left} can come back` : 'Nothing left to return')),
      l.breaches.length && left ? h('div.breaches', ...l.breaches.map((b) => h('span.breach', BREACH[b] || b)), h('span.sub', 'Needs a manager')) : null,
      left ? h('label.tick', tick, h('span', 'Comes back')) : null,
      c ? details(l, c) : null);
  }

  function draw() {
    lines.replaceChildren(...o.lines.map(lineCard));
    slip.disabled = locked;
    const t = total();
    totalLine.textContent = chosen.size ? `Refund ${money(t, cur)}` : '';
    totalLine.classList.toggle('error', chosen.size > 0 && overLimit());
    if (chosen.size && overLimit()) {
      totalLine.textContent += found.offline_limit
        ? ` — over the offline limit of ${money(found.offline_limit.amount, found.offline_limit.currency)}`
        : ' — no return is taken offline';
    }
    submit.textContent = chosen.size ? `Take the return · ${money(t, cur)}` : 'Take the return';
  }

  function problem() {
    if (!chosen.size) return 'Scan the items coming back, or tick their lines.';
    for (const [line, c] of chosen) {
      if (!c.reason) return `Choose the reason for line ${line}.`;
      if (!c.condition) return `Choose the condition of line ${line}.`;
      if (!c.disposition) return `Choose where line ${line} goes.`;
    }
    return '';
  }

  const body = () => ({
    order: o.order,
    lines: [...chosen].map(([line, c]) => ({ line, ...(c.code ? { code: c.code } : {}), qty: c.qty, reason: c.reason, condition: c.condition, disposition: c.disposition })),
    slip: slip.checked,
  });

  // approval: {self: true} for a signed-in manager, or {user, pin} of another one; and a reason.
  function send(approval) {
    const why = problem();
    if (why) {
      feedback.fail(why);
      feedback.say(msg, 'error', why);
      return null;
    }
    const b = body();
    const sig = JSON.stringify(b);
    if (submission?.sig !== sig) submission = { key: newKey(), sig };
    let extra;
    if (approval?.user) extra = { 'StoreEdge-Override': `user:${approval.user}:${approval.pin}` };
    if (approval?.self) b.override = true;
    if (approval?.reason) b.override_reason = approval.reason;
    locked = true;
    draw();
    return feedback.act(msg, () => api.action('POST', '/api/v1/returns', b, submission.key, extra), (r) => {
      feedback.ok(`Return ${r.return.return} taken`);
      nav.replace('returnreceipt', { ret: r.return });
    }, (e) => {
      locked = Boolean(e.again); // no answer: it may have been taken, so only the same return goes again
      draw();
      if (e.code === 'override_required') askManager(e.message);
      else if (approval && (e.code === 'forbidden' || e.code === 'not_allowed_for_role')) askManager(null, feedback.words(e));
    });
  }

  let breaches = [];
  function askManager(message, refused = '') {
    if (message) breaches = breachesOf(message);
    const reason = h('input', { type: 'text', name: 'override-reason', maxlength: 200, autocomplete: 'off', placeholder: 'Why (optional)', 'aria-label': 'Reason for the override' });
    const list = h('ul.breachlist', ...breaches.map((b) => h('li', b)));
    const cancel = h('button.link', { type: 'button', onclick: () => { sheet.hidden = true; submit.hidden = false; } }, 'Cancel');
    const note = h('p.error', { hidden: !refused }, refused);
    if (manager) {
      sheet.replaceChildren(h('strong', 'A manager must approve this return'), list, note,
        h('p', 'You are signed in as a manager. Approve it?'), h('label.field', h('span.label', 'Reason (optional)'), reason),
        busyButton('button.primary', 'Approve and take the return', () => send({ self: true, reason: reason.value.trim() })), cancel);
    } else {
      const user = h('input', { type: 'text', name: 'manager', autocomplete: 'off', autocapitalize: 'off', 'aria-label': 'Manager’s user ID', placeholder: 'Manager’s user ID' });
      const pin = h('input.pin', { type: 'password', name: 'manager-pin', inputmode: 'numeric', autocomplete: 'off', maxlength: 12, 'aria-label': 'Manager’s PIN', placeholder: 'PIN' });
      const approve = () => {
        const who = user.value.trim();
        const p = pin.value;
        pin.value = ''; // the PIN is not kept on the screen
        if (!ORDER_ID.test(who)) { feedback.fail('Type the manager’s user ID'); return null; }
        if (!/^\d{4,12}$/.test(p)) { feedback.fail('The PIN has 4 to 12 digits'); return null; }
        return send({ user: who, pin: p, reason: reason.value.trim() });
      };
      sheet.replaceChildren(h('strong', 'A manager must approve this return'), list, note,
        h('label.field', h('span.label', 'Manager'), user), h('label.field', h('span.label', 'Manager’s PIN'), pin),
        h('label.field', h('span.label', 'Reason (optional)'), reason),
        busyButton('button.primary', 'Manager approves', approve), cancel);
      setTimeout(() => user.focus(), 0);
    }
    sheet.hidden = false;
    submit.hidden = true;
    sheet.scrollIntoView({ block: 'nearest' });
  }

  const scan = scanField({
    label: 'Scan the items coming back',
    name: 'return-item',
    onScan: (code) => {
      if (locked) { feedback.fail('Wait for the answer to the return sent'); return; }
      const candidates = o.lines.filter((l) => names(l, code));
      const l = candidates.find((x) => (chosen.get(x.line)?.qty ?? 0) < x.returnable_qty) || candidates[0];
      if (!l) {
        feedback.fail('Not on this order');
        feedback.say(msg, 'error', `${code} is not an item of order ${o.order}.`);
        return;
      }
      const c = chosen.get(l.line);
      if (!l.returnable_qty || (c && c.qty >= l.returnable_qty)) {
        feedback.fail('Nothing more to return');
        feedback.say(msg, 'error', `Line ${l.line} (${l.description || l.sku}): ${l.returnable_qty} of ${l.qty} can come back${c ? `, and ${c.qty} ${c.qty === 1 ? 'is' : 'are'} chosen` : ''}.`);
        return;
      }
      if (c) Object.assign(c, { qty: c.qty + 1, code });
      else chosen.set(l.line, { qty: 1, code, reason: '', condition: '', disposition: '' });
      feedback.ok(`${l.description || l.sku}: ${chosen.get(l.line).qty}`);
      feedback.say(msg, '', '');
      draw();
      const card = lines.querySelector(`[data-line="${CSS.escape(l.line)}"]`);
      card?.classList.add('hit');
      card?.scrollIntoView({ block: 'nearest' });
    },
  });
  const submit = busyButton('button.primary', 'Take the return', () => send());
  const el = h('section.screen.returnorder',
    h('div.row', h('span.big', o.order), h('span.sub', o.customer?.name || '')),
    link, scan, msg, lines,
    h('label.tick', slip, h('span', 'Print a return slip')),
    totalLine, sheet, h('div.actions', submit));
  el.title = `Return ${o.order}`;
  draw();
  return el;
}

// The return as recorded: for the customer at the till, and for a lead reviewing it.
export function receiptView(r, nav) {
  const cur = r.refund.currency;
  const follows = [];
  const view = h('div.receipt', { dataset: { return: r.return } },
    h('span.label', 'Return'), h('p.big', r.return),
    r.offline ? h('p.offline', 'Taken offline — a lead reviews it') : null,
    h('div.row.sub', h('span', `Order ${r.order}`), h('span', new Date(r.created_at).toLocaleString())),
    h('div.lines', ...r.lines.map((l) => h('div.line', { dataset: { line: l.line } },
      h('div.row', h('div.desc', l.description || l.sku), h('strong', money(l.refund, cur))),
      h('div.row.sub', h('span', l.sku), h('span', `${l.qty} × ${money(l.unit_refund, cur)}`)),
      h('div.sub', [wordOf(REASONS, l.reason), wordOf(CONDITIONS, l.condition),
        `${wordOf(DISPOSITIONS, l.disposition)}${l.location ? ` (${l.location})` : ''}`].join(' · '))))),
    h('div.row.total', h('span', 'Refund'), h('strong', money(r.refund.amount, cur))),
    r.refund.tenders.length
      ? h('div.tenders', ...r.refund.tenders.map((t) => h('div.row.tender', { dataset: { tender: t.tender } },
        h('span', `${methodWords(t.method)}${t.last4 ? ` ****${t.last4}` : ''}`), h('strong', money(t.amount, cur)))))
      : h('p.hint', 'No payment is known here: the OMS refunds the customer’s payment.'),
    r.breaches.length ? h('p.sub.policy', `Outside the policy: ${r.breaches.map(breachWords).join('; ')}`) : null,
    r.override_by ? h('p.approved', `Approved by ${r.override_by}${r.override_reason ? `: ${r.override_reason}` : ''}`) : null,
    h('p.sub', `Taken by ${r.by}${r.station ? ` at ${r.station}` : ''}`),
    r.review?.state && r.review.state !== 'pending'
      ? h('p.reviewed', `${r.review.state === 'approved' ? 'Approved' : 'Flagged'} by ${r.review.by}${r.review.note ? `: ${r.review.note}` : ''}`) : null,
    ...(nav ? r.print_jobs.map((id) => {
      const line = h('p.printline', { hidden: true, dataset: { job: String(id) } });
      follows.push(followJob(line, id, nav));
      return line;
    }) : []));
  view.leave = () => follows.forEach((stop) => stop());
  return view;
}

export function receipt(params, nav) {
  const view = receiptView(params.ret, nav);
  const el = h('section.screen.returnreceipt', view, h('div.actions',
    h('button.primary', { type: 'button', onclick: () => nav.replace('returns') }, 'Next return'),
    h('button.secondary', { type: 'button', onclick: () => nav.reset('home') }, 'Done')));
  el.title = 'Return taken';
  el.leave = view.leave;
  return el;
}
