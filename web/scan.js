// The scan field. A hardware scanner in keyboard-wedge mode types the code fast into the focused
// field and ends it with Enter, so on a scan screen one field keeps the focus (taps elsewhere
// give it back) and every Enter hands its text over as a scan. Scans are handled one after the
// other, in the order they came. Typing works too (the ⌨ button brings up the soft keyboard,
// which the field otherwise keeps down), and a photo can stand in for the scanner.
import { api, ApiError } from './api.js';
import * as feedback from './feedback.js';
import { h } from './ui.js';

let active = null; // the scan field of the current screen
let activeSubmit = null; // and what it does with a scan

// Give the focus back to the scan field after a tap on anything that is not itself a field.
function refocus() {
  if (!active || !active.isConnected || active.disabled) return;
  const el = document.activeElement;
  if (el && el !== document.body && el.matches('input, textarea, select') && el !== active) return;
  if (el !== active) active.focus({ preventScroll: true });
}
document.addEventListener('pointerup', () => setTimeout(refocus, 0));
document.addEventListener('keydown', (e) => {
  // A scanner firing while focus is elsewhere (a button) still reaches the field.
  if (!active || !active.isConnected || e.target === active) return;
  if (e.target.matches?.('input, textarea, select')) return;
  if (e.key.length === 1 && !e.ctrlKey && !e.altKey && !e.metaKey) active.focus({ preventScroll: true });
});
document.addEventListener('visibilitychange', () => { if (!document.hidden) refocus(); });

// onScan(code) may return a promise; the next scan waits for it.
export function scanField({ label, placeholder = 'Scan here', onScan, camera = true, name = 'scan' }) {
  const input = h('input.scan', {
    type: 'text', name, autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false',
    inputmode: 'none', enterkeyhint: 'go', placeholder, 'aria-label': label,
  });
  let queue = Promise.resolve();
  const submit = (code) => {
    code = code.trim();
    if (!code) return;
    queue = queue.then(() => onScan(code)).catch((e) => console.error(e));
  };
  input.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const code = input.value;
    input.value = '';
    submit(code);
  });
  const keyboard = h('button.icon', {
    type: 'button', title: 'Type with the keyboard', 'aria-label': 'Type with the keyboard',
    onclick: () => {
      const typing = input.getAttribute('inputmode') !== 'none';
      input.setAttribute('inputmode', typing ? 'none' : 'text');
      keyboard.classList.toggle('on', !typing);
      input.blur();
      input.focus();
    },
  }, '⌨');
  const row = h('div.scanrow', input, keyboard);
  if (camera) row.append(cameraButton(submit));
  const wrap = h('div.scanfield', h('span.label', label), row);
  active = input;
  activeSubmit = submit;
  setTimeout(() => input.focus({ preventScroll: true }), 0);
  return Object.assign(wrap, {
    input,
    submit,
    focus: () => { active = input; activeSubmit = submit; input.focus({ preventScroll: true }); },
  });
}

// Camera fallback: a photo from the back camera, made smaller here (the API takes at most 1 MiB),
// sent to POST /api/v1/scans/image; the first code found counts as a scan. An item's code goes
// on as its GTIN-14 (unambiguous: a UPC-E's 8 digits could also be an EAN-8); anything else as
// its text, as a scanner without a symbology identifier would type it.
function cameraButton(submit) {
  const file = h('input', { type: 'file', accept: 'image/*', capture: 'environment', hidden: true });
  file.addEventListener('change', async () => {
    const photo = file.files?.[0];
    file.value = '';
    if (!photo) return;
    try {
      const image = await shrink(photo);
      const result = await api.raw('/api/v1/scans/image', image, image.type);
      const found = result?.codes?.[0];
      const code = found?.gtin ?? found?.text;
      if (!code) {
        feedback.fail('No barcode found in the photo. Try again closer, or type the code.');
        return;
      }
      submit(code);
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 405))
        feedback.fail('Camera decoding is not available on this server. Use the scanner or type the code.');
      else feedback.fail(feedback.words(e));
    }
  });
  return h('label.icon.camera', { title: 'Take a photo of the barcode', 'aria-label': 'Camera' }, cameraIcon(), file);
}

// Drawn, not an emoji: handhelds do not all have an emoji font.
function cameraIcon() {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '26');
  svg.setAttribute('height', '26');
  svg.setAttribute('aria-hidden', 'true');
  for (const d of ['M4 8h3l2-3h6l2 3h3v11H4z', 'M12 10a3.5 3.5 0 1 0 0 7a3.5 3.5 0 1 0 0-7z']) {
    const p = document.createElementNS(ns, 'path');
    p.setAttribute('d', d);
    p.setAttribute('fill', 'none');
    p.setAttribute('stroke', 'currentColor');
    p.setAttribute('stroke-width', '2');
    p.setAttribute('stroke-linejoin', 'round');
    svg.append(p);
  }
  return svg;
}

async function shrink(photo) {
  const MAX = 1600;
  try {
    const bitmap = await createImageBitmap(photo);
    const scale = Math.min(1, MAX / Math.max(bitmap.width, bitmap.height));
    if (scale === 1 && photo.size < 900_000 && /^image\/(jpeg|png)$/.test(photo.type)) return photo;
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
  } catch {
    return photo; // let the server say what it thinks of it
  }
}

// Screens without a scan field call this so the refocusing stops.
export function noScan() { active = null; activeSubmit = null; }

// A scan from a fixed scanner at this station (station.js): into the current screen's field.
export function deliverScan(code) {
  if (!active || !active.isConnected || active.disabled || !activeSubmit) {
    feedback.fail('A scan came from the station scanner, but this screen takes no scans.');
    return;
  }
  activeSubmit(code);
}
