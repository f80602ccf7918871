// Unmistakable feedback for a scan or an action: a full-width green or red flash, a short sound
// (a high beep for yes, a low buzz for no), a vibration where the device has one, and the result
// in words on the screen.

let audio = null;

// Browsers start audio only after a user gesture: the first tap or key press unlocks it.
export function unlockAudio() {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') audio.resume();
  } catch { /* no Web Audio: the flash and the words remain */ }
}

function tone(freq, seconds, type, at = 0) {
  if (!audio || audio.state !== 'running') return;
  const t = audio.currentTime + at;
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.type = type;
  osc.frequency.value = freq;
  gain.gain.setValueAtTime(0.0001, t);
  gain.gain.exponentialRampToValueAtTime(0.3, t + 0.01);
  gain.gain.setValueAtTime(0.3, t + seconds - 0.02);
  gain.gain.exponentialRampToValueAtTime(0.0001, t + seconds);
  osc.connect(gain).connect(audio.destination);
  osc.start(t);
  osc.stop(t + seconds + 0.01);
}

let flashTimer = 0;
function flash(kind, text, ms) {
  const el = document.getElementById('flash');
  el.className = '';
  void el.offsetWidth; // restart the animation when two flashes follow each other
  el.textContent = text;
  el.className = `show ${kind}`;
  el.dataset.kind = kind;
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => { el.className = ''; }, ms);
}

export function ok(text = 'Done') {
  flash('ok', `✓ ${text}`, 700);
  tone(1760, 0.09, 'sine');
  tone(2350, 0.09, 'sine', 0.1);
  navigator.vibrate?.(40);
}

export function fail(text = 'That did not work') {
  flash('error', `✗ ${text}`, 1600);
  tone(140, 0.45, 'square');
  navigator.vibrate?.([150, 80, 150]);
}

// A message that stays on the screen until the next one (the flash fades).
export function say(box, kind, text, retry) {
  box.replaceChildren();
  box.className = `msg ${kind}`;
  box.hidden = !text;
  if (!text) return;
  const p = document.createElement('p');
  p.textContent = text;
  box.append(p);
  if (retry) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'secondary';
    b.textContent = 'Try again';
    b.addEventListener('click', retry);
    box.append(b);
  }
}

// The error's words for the associate: the API's message, or what to do when no answer came.
export function words(e) {
  if (e?.status === 0) return 'No connection to the store server. Check the Wi-Fi, then tap Try again.';
  if (e?.status >= 500) return `The store server is busy (${e.message}). Tap Try again.`;
  const text = e?.message || String(e);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// Runs one user action: send() makes the request (api.post…, one Idempotency-Key), done(result)
// shows its success. A failure flashes red and says why in `box`; when it may not have reached
// the server, Try again re-sends the very same request, same key, so it cannot apply twice.
export async function act(box, send, done, failed = () => {}) {
  let result;
  try {
    result = await send();
  } catch (e) {
    fail(words(e));
    say(box, 'error', words(e), e.again && (() => act(box, e.again, done, failed)));
    failed(e);
    return false;
  }
  await done(result);
  return true;
}
