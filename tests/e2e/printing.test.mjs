// Printing from the handheld, end to end: the real storeedged with a raw (port 9100) label
// printer that is this test's own TCP server, keeping every document it receives. Staging a
// pickup on the handheld prints its bag label (ZPL with the staging location) and the staging
// screen says so; the Print jobs screen shows the printer and the job printed; with the printer
// gone a reprint waits with the reason in words (the printer cannot print, the job needs
// attention), and prints once the printer is back on the same port (the queue retries by itself,
// the screen refreshes by itself); a waiting job is cancelled after a confirmation and never
// prints; leaving the screen stops its refreshing; More pages through older jobs. Screenshots go to
// $E2E_ARTIFACTS/screenshots/printing.
//
// Run by CTest (test e2e_printing, label e2e). Exit 77 (skipped) only without Chromium.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { run, until, scan as scanInto, signedInPage, RawPrinter } from './harness.mjs';

await run('printing', async ({ store, browser, shot }) => {
  const printer = new RawPrinter();
  await printer.listen();
  try {
    await body(store, browser, shot, printer);
  } finally {
    await printer.stop().catch(() => {});
  }
});

async function body(store, browser, shot, printer) {
  store.config = '[[printers.printer]]\nname = "desk-zebra"\nstation = "pickup-desk"\npurposes = ["bag_label"]\n'
    + `backend = "raw"\nhost = "127.0.0.1"\nport = ${printer.port}\nformat = "zpl"\ndpi = 203\n`;
  await store.open();
  const post = async (p, body = {}, status = 200) => {
    const r = await fetch(store.base + p, {
      method: 'POST',
      headers: { Authorization: `Bearer ${store.token}`, 'StoreEdge-Session': store.session.session,
        'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
      body: JSON.stringify(body),
    });
    assert.equal(r.status, status, `POST ${p}: ${r.status} ${await r.text()}`);
  };
  const job = async (id) => (await store.get('/api/v1/print-jobs?limit=200')).items.find((j) => j.id === id);

  // A-77812 (the contract's pickup order: two mugs and a towel) is picked through the API.
  await post('/api/v1/allocations/A-77812/picks', { code: 'SKU-1001', qty: 2 });
  await post('/api/v1/allocations/A-77812/picks', { code: 'SKU-3003' });
  await post('/api/v1/allocations/A-77812/complete-pick');

  const page = await signedInPage(browser, store);
  const changes = [];
  const listings = []; // when the app read the print queue
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.pathname === '/api/v1/print-jobs') listings.push(Date.now());
    if (req.method() === 'POST' && url.pathname.startsWith('/api/v1/print-jobs/'))
      changes.push({ path: url.pathname, key: req.headers()['idempotency-key'] });
  });
  const home = async () => {
    while (await page.locator('#back').isVisible()) await page.locator('#back').click();
    await page.locator('body[data-screen="home"]').waitFor();
  };
  const card = (id) => page.locator(`.card.job[data-job="${id}"]`);
  const inState = (id, state, timeout = 10000) => page.locator(`.card.job[data-job="${id}"][data-state="${state}"]`).waitFor({ timeout });
  const zebra = page.locator('.card.printer[data-printer="desk-zebra"]');
  const noGaps = async () => assert.doesNotMatch(await page.locator('#screen').innerText(), /null|undefined|NaN|Invalid Date/);

  // 1. Staging it on the handheld queues the bag label; the staging screen follows it to the printer.
  await page.goto(`${store.base}/`);
  await page.locator('.tile[data-screen="queue"]').click();
  await page.locator('.card[data-id="A-77812"]').click();
  await page.getByText('then scan the location’s label').waitFor();
  await scanInto(page, 'PICKUP-7');
  await page.locator('.msg.ok', { hasText: 'ready for the customer at PICKUP-7. A bag label is queued.' }).waitFor();
  await page.locator('.printline[data-state="done"]', { hasText: 'Bag label: Printed on desk-zebra' }).waitFor();
  assert.equal(await page.locator('.printline').textContent(), 'Bag label: Printed on desk-zebra');
  await noGaps();
  await shot(page, 'staged-label-printed');
  assert.equal(printer.documents.length, 1);
  const label = printer.documents[0];
  assert.ok(label.startsWith('^XA'), label.slice(0, 40));
  assert.ok(label.trimEnd().endsWith('^XZ'));
  assert.ok(label.includes('PICKUP-7'), 'the staging location is on the label');
  assert.ok(label.includes('W1009913'), 'the order is on the label');
  const staged = (await store.get('/api/v1/print-jobs')).items;
  assert.deepEqual(staged.map((j) => [j.id, j.kind, j.allocation, j.state, j.printer]), [[1, 'bag_label', 'A-77812', 'done', 'desk-zebra']]);

  // 2. The Print jobs screen: the printer is ready, the job printed.
  await home();
  await page.locator('.tile[data-screen="printjobs"]').click();
  await inState(1, 'done');
  assert.match(await card(1).innerText(), /Bag label\s*Printed\s*A-77812\s*#1[\s\S]*desk-zebra\s*Printed \d/);
  assert.equal(await card(1).locator('[data-action="cancel"]').count(), 0); // nothing to cancel
  assert.match(await zebra.innerText(), new RegExp(`^desk-zebra\\s*Ready\\s*pickup-desk · Bag label\\s*raw 127\\.0\\.0\\.1:${printer.port} · checked \\d`));
  await noGaps();
  await shot(page, 'print-jobs');

  // 3. The printer is unplugged; a reprint waits, saying why, and the printer stands out.
  await printer.stop();
  await card(1).getByRole('button', { name: 'Reprint' }).click();
  await page.locator('#flash.show.ok', { hasText: 'Reprint queued' }).waitFor();
  await page.locator('.msg.ok', { hasText: 'Bag label for A-77812 queued again as job #2.' }).waitFor();
  await inState(2, 'waiting');
  const refused = new RegExp(`Cannot connect to raw 127\\.0\\.0\\.1:${printer.port}: Connection refused`);
  assert.match(await card(2).locator('.reason').innerText(), refused);
  assert.match(await card(2).innerText(), /Waiting[\s\S]*Tries again by itself at \d/);
  assert.ok(await card(2).evaluate((el) => el.classList.contains('attention')));
  assert.match(await card(2).innerText(), /Reprint of #1 by a1/);
  await page.locator('.card.printer.attention[data-printer="desk-zebra"]', { hasText: 'Cannot print' }).waitFor({ timeout: 5000 });
  assert.match(await zebra.locator('.reason').innerText(), refused);
  await noGaps();
  await shot(page, 'reprint-waiting');
  // Needs attention: the waiting job, not the printed one.
  await page.locator('.chip[data-filter="attention"]').click();
  await card(1).waitFor({ state: 'detached' });
  await inState(2, 'waiting');
  await shot(page, 'needs-attention');

  // 4. The printer is back on the same port: the queue tries again by itself (2 s later), and the
  // screen, refreshing by itself, sees the job printed; nothing needs attention any more.
  await printer.listen();
  await page.getByText('Nothing needs attention. ✓').waitFor({ timeout: 20000 });
  assert.equal((await job(2)).state, 'done');
  assert.equal(printer.documents.length, 2);
  assert.equal(printer.documents[1], label, 'a reprint prints the same label');
  await page.locator('.chip[data-filter="all"]').click();
  await inState(2, 'done');
  await page.locator('.card.printer[data-printer="desk-zebra"][data-ready="true"]').waitFor({ timeout: 5000 });
  await shot(page, 'reprint-printed');

  // 5. Unplugged again, another reprint waits; cancelling it asks first, then it is cancelled.
  await printer.stop();
  await card(2).getByRole('button', { name: 'Reprint' }).click();
  await inState(3, 'waiting');
  await card(3).getByRole('button', { name: 'Cancel', exact: true }).click();
  const sheet = card(3).locator('.sheet');
  await sheet.getByText('Cancel job #3, Bag label for A-77812? It will not print.').waitFor();
  await shot(page, 'cancel-confirm');
  await sheet.getByRole('button', { name: 'Keep it' }).click(); // changed their mind once
  assert.ok(await sheet.isHidden());
  await card(3).getByRole('button', { name: 'Cancel', exact: true }).click();
  await sheet.getByRole('button', { name: 'Cancel the job' }).click();
  await page.locator('#flash.show.ok', { hasText: 'Cancelled' }).waitFor();
  await page.locator('.msg.ok', { hasText: 'Job #3, Bag label for A-77812, is cancelled: it will not print.' }).waitFor();
  await inState(3, 'cancelled');
  assert.equal(await card(3).locator('[data-action="cancel"]').count(), 0);
  await noGaps();
  await shot(page, 'cancelled');
  const cancelled = await job(3);
  assert.equal(cancelled.state, 'cancelled');

  // 6. Leaving the screen stops its refreshing. Meanwhile the printer is back and the cancelled
  // job's retry time passes: had it not been cancelled it would be sent before any newer job.
  await home();
  const left = Date.now();
  await printer.listen();
  const retryAt = Date.parse(cancelled.next_attempt_at ?? cancelled.updated_at);
  await until('the cancelled job\'s retry time and more than a refresh period to pass',
    async () => Date.now() > Math.max(retryAt + 1000, left + 4000), 15000);
  assert.deepEqual(listings.filter((t) => t > left + 500), [], 'no print-jobs request after leaving the screen');
  await page.locator('.tile[data-screen="printjobs"]').click();
  await card(1).getByRole('button', { name: 'Reprint' }).click();
  await inState(4, 'done');
  assert.equal((await job(3)).state, 'cancelled');
  assert.equal(printer.documents.length, 3, 'the cancelled job never printed');
  await shot(page, 'printed-again');

  // 7. Paging: 18 more reprints (through the API) make 22 jobs; the screen, refreshing by itself,
  // shows the newest 20 and More; More shows the rest, newest first, each once.
  for (let i = 0; i < 18; i++) await post('/api/v1/print-jobs/1/reprint', {}, 201);
  await card(22).waitFor({ timeout: 10000 });
  const shown = async () => (await page.locator('.card.job').evaluateAll((cards) => cards.map((c) => Number(c.dataset.job))));
  assert.deepEqual(await shown(), Array.from({ length: 20 }, (_, i) => 22 - i));
  await page.getByRole('button', { name: 'More' }).click();
  await card(1).waitFor();
  assert.deepEqual(await shown(), Array.from({ length: 22 }, (_, i) => 22 - i));
  assert.ok(await page.getByRole('button', { name: 'More' }).isHidden());
  await until('all 22 jobs printed', async () => printer.documents.length === 21);
  await shot(page, 'more');

  // Every reprint and cancel carried a key of its own.
  assert.deepEqual(changes.map((c) => c.path), ['/api/v1/print-jobs/1/reprint', '/api/v1/print-jobs/2/reprint',
    '/api/v1/print-jobs/3/cancel', '/api/v1/print-jobs/1/reprint']);
  assert.ok(changes.every((c) => c.key));
  assert.equal(new Set(changes.map((c) => c.key)).size, changes.length);
  assert.deepEqual(page.errors, []);
}
