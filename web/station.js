// Fixed scanners at this device's station: when this browser stands at a station (a pack
// station's screen), the scans of the scanners bound there arrive over GET /api/v1/scans/stream
// and go into the current screen's scan field as if scanned into it. Read with fetch, since
// EventSource cannot send the device and session headers; after a drop it reconnects with
// Last-Event-ID, so scans read meanwhile still arrive, once each.
import { creds } from './api.js';
import * as feedback from './feedback.js';
import { deliverScan } from './scan.js';

let current = null; // {session, abort}

export function startStationScans() {
  const s = creds.session;
  if (!s || !creds.device) return;
  if (current && current.session === s.session) return;
  stopStationScans();
  const abort = new AbortController();
  current = { session: s.session, abort };
  run(s.session, abort.signal);
}

export function stopStationScans() {
  current?.abort.abort();
  current = null;
}

async function run(session, signal) {
  let lastId = '';
  let delay = 1000;
  while (!signal.aborted && creds.session?.session === session) {
    try {
      const headers = { Accept: 'text/event-stream', Authorization: `Bearer ${creds.device}`, 'StoreEdge-Session': session };
      if (lastId) headers['Last-Event-ID'] = lastId;
      const res = await fetch('/api/v1/scans/stream', { headers, signal, cache: 'no-store' });
      if (res.status === 409 || res.status === 401 || res.status === 403) return; // no station, or signed out
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      delay = 1000;
      document.body.dataset.station = 'on';
      await readEvents(res.body, (ev) => {
        if (ev.id) lastId = ev.id;
        if (ev.event === 'scan') onScan(ev.data);
      });
    } catch (e) {
      if (signal.aborted) return;
      console.warn('station scans:', e);
    } finally {
      delete document.body.dataset.station;
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 15000);
  }
}

function onScan(data) {
  let scan;
  try { scan = JSON.parse(data); } catch { return; }
  if (scan.scan?.error) {
    feedback.fail(`The scanner read a code it cannot use: ${scan.scan.error.message}`);
    return;
  }
  deliverScan(scan.code);
}

// Server-Sent Events: blocks of "field: value" lines ended by a blank line.
async function readEvents(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const ev = { event: 'message', data: '', id: '' };
      for (const line of block.split('\n')) {
        if (!line || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') ev.data += (ev.data ? '\n' : '') + val;
        else if (field === 'event') ev.event = val;
        else if (field === 'id') ev.id = val;
      }
      onEvent(ev);
    }
  }
}
