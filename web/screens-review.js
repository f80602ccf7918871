// A lead's review of the returns taken offline (docs/returns.md, "Offline"): the returns waiting,
// one opened with its receipt, approved, or flagged for loss prevention with a note saying why.
import { api, enc } from './api.js';
import * as feedback from './feedback.js';
import { h, busyButton } from './ui.js';
import { receiptView } from './screens-returns.js';
import { money, methodWords } from './returns-words.js';

let decided = ''; // what the last review did, said once by the list it returns to

export function pending(_params, nav) {
  const msg = h('div.msg', { hidden: true });
  const list = h('div.list', h('p.hint', 'Loading…'));
  const load = async () => {
    try {
      const r = await api.get('/api/v1/returns?review=pending&limit=200');
      list.replaceChildren(...(r.items.length ? r.items.map((x) => h('button.card', {
        type: 'button', dataset: { return: x.return }, onclick: () => nav.go('returncheck', { id: x.return }),
      },
      h('div.row', h('strong', x.return), h('strong', money(x.refund.amount, x.refund.currency))),
      h('div.row.sub', h('span', `Order ${x.order}`), h('span', x.refund.tenders.map((t) => methodWords(t.method)).join(' + '))),
      h('div.sub', `by ${x.by}${x.station ? ` at ${x.station}` : ''} · ${new Date(x.created_at).toLocaleString()}`)))
        : [h('p.empty', 'No offline returns are waiting for review.')]));
    } catch (e) {
      list.replaceChildren();
      feedback.say(msg, 'error', feedback.words(e), load);
    }
  };
  if (decided) feedback.say(msg, 'ok', decided);
  decided = '';
  const el = h('section.screen.returnreview', msg,
    h('p.hint', 'Returns taken while the OMS could not be reached. Check each against the receipt and the goods.'),
    list, h('div.actions', busyButton('button.secondary', 'Refresh', load)));
  el.title = 'Review returns';
  load();
  return el;
}

// One return opened: read again by its id (fresh, and so a link to it works), its receipt, a note,
// approve or flag.
export function check(params, nav) {
  const id = params.id;
  const msg = h('div.msg', { hidden: true });
  const view = h('div', h('p.hint', 'Loading…'));
  const note = h('textarea', { rows: 2, maxlength: 500, name: 'review-note', 'aria-label': 'Note', placeholder: 'What you found (needed to flag)' });
  const decide = (decision) => {
    const text = note.value.trim();
    if (decision === 'flag' && !text) {
      feedback.fail('Write why you flag it');
      feedback.say(msg, 'error', 'A flag needs a note saying why.');
      note.focus();
      return null;
    }
    const body = { decision, ...(text ? { note: text } : {}) };
    return feedback.act(msg, () => api.post(`/api/v1/returns/${enc(id)}/review`, body), (res) => {
      const done = res.return.review.state === 'approved' ? 'approved' : 'flagged';
      feedback.ok(`${res.return.return} ${done}`);
      decided = `Return ${res.return.return} ${done}.`;
      nav.back();
    });
  };
  const buttons = [busyButton('button.primary', 'Approve', () => decide('approve')),
    busyButton('button.secondary', 'Flag for loss prevention', () => decide('flag'))];
  const load = async () => {
    try {
      const r = await api.get(`/api/v1/returns/${enc(id)}`);
      feedback.say(msg, '', '');
      view.replaceChildren(receiptView(r.return, null));
      for (const b of buttons) b.disabled = false;
    } catch (e) {
      feedback.say(msg, 'error', feedback.words(e), load);
    }
  };
  for (const b of buttons) b.disabled = true; // until the return is shown
  const el = h('section.screen.returncheck', view, msg, h('label.field', h('span.label', 'Note'), note), h('div.actions', buttons));
  el.title = `Review ${id}`;
  load();
  return el;
}
