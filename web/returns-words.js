// The words of POS returns (docs/returns.md): the reason, condition and disposition codes the API
// takes, in the order the till offers them, what a policy breach means, and money from the minor
// units the API counts in.

export const REASONS = [
  ['changed_mind', 'Changed their mind'], ['wrong_size', 'Wrong size'], ['defective', 'Defective'],
  ['damaged', 'Arrived damaged'], ['not_as_described', 'Not as described'], ['wrong_item', 'Wrong item sent'],
  ['arrived_late', 'Arrived late'], ['other', 'Other'],
];
export const CONDITIONS = [
  ['new', 'New, unopened'], ['opened', 'Opened, as new'], ['used', 'Used'], ['damaged', 'Damaged'], ['defective', 'Defective'],
];
export const DISPOSITIONS = [['restock', 'Back on the shelf'], ['damaged', 'Damaged stock'], ['return_to_dc', 'Send to the DC']];
// Only these go back on the shelf (the API refuses restock otherwise: disposition_mismatch).
export const RESTOCKABLE = new Set(['new', 'opened']);

export const BREACH = { not_returnable: 'Not returnable', out_of_window: 'Past its return date', order_not_found: 'Order not found' };
const METHOD = { card: 'Card', gift_card: 'Gift card', store_credit: 'Store credit', cash: 'Cash', paypal: 'PayPal' };

export const wordOf = (list, code) => list.find(([c]) => c === code)?.[1] ?? code;
export const methodWords = (m) => METHOD[m] || m;

// "line 2: not_returnable" (a return's breaches, an override_required message's parts) → "Line 2:
// not returnable".
export function breachWords(text) {
  const m = /^line (\S+): (\w+)$/.exec(text.trim());
  if (m) return `Line ${m[1]}: ${(BREACH[m[2]] || m[2]).toLowerCase()}`;
  return BREACH[text.trim()] || text.trim();
}

// The breaches an override_required message names: "a manager override is needed: line 2:
// not_returnable; line 1: out_of_window".
export function breachesOf(message) {
  const at = message.indexOf(': ');
  return at < 0 ? [message] : message.slice(at + 2).split('; ').map(breachWords);
}

// 1199 EUR → "€11.99": the currency's own decimals (0 for JPY, 3 for KWD).
export function money(amount, currency) {
  try {
    const f = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    return f.format(amount / 10 ** f.resolvedOptions().maximumFractionDigits);
  } catch {
    return `${amount} ${currency}`; // not an ISO 4217 code: the API's figure as it came
  }
}
