// Small DOM helpers and the words the screens share.

// h('button.primary', {onclick}, 'Text', child...): an element with classes, attributes and
// children (strings become text, never HTML).
export function h(spec, attrs = {}, ...children) {
  const [tag, ...classes] = spec.split('.');
  const el = document.createElement(tag || 'div');
  if (classes.length) el.className = classes.join(' ');
  if (attrs === null || typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs)) {
    children.unshift(attrs);
    attrs = {};
  }
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'className') el.classList.add(...v.split(' ').filter(Boolean));
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style') Object.assign(el.style, v); // CSSOM: the CSP forbids style attributes
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export const KIND = { bopis: 'Pickup', curbside: 'Curbside', ship_from_store: 'Ship' };

export const STATE = {
  open: 'New', accepted: 'Accepted', picking: 'Picking', picked: 'Picked', ready: 'Ready',
  packing: 'Packing', packed: 'Packed', handed_over: 'Handed over', shipped: 'Shipped', cancelled: 'Cancelled',
  rejected: 'Rejected', expired: 'Expired',
};

function span(seconds) {
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min`;
  const hours = Math.floor(m / 60);
  if (hours < 24) return `${hours} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

// "Due in 42 min" / "Overdue 3 h 05 min" / "No promise time".
export function due(seconds) {
  if (seconds === null || seconds === undefined) return { text: 'No promise time', late: false };
  if (seconds < 0) return { text: `Overdue ${span(-seconds)}`, late: true };
  return { text: `Due in ${span(seconds)}`, late: false, soon: seconds < 1800 };
}

// A button that runs an async action once at a time and shows that it is working.
export function busyButton(spec, label, run, attrs = {}) {
  const b = h(spec, { type: 'button', ...attrs }, label);
  b.addEventListener('click', async () => {
    if (b.disabled) return;
    b.disabled = true;
    b.classList.add('busy');
    try { await run(); } finally { b.disabled = false; b.classList.remove('busy'); }
  });
  return b;
}
