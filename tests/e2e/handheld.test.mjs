// End to end: an associate works a BOPIS order on the handheld app in headless Chromium, against
// the real storeedged synced over a real mosquitto with a Paho program playing the OMS — set-up by
// link, badge sign-in, the queue, picking by wedge-scanner keystrokes (a wrong item, a Wi-Fi
// blip that loses an answer, an undo), staging, the pickup search, a wrong and a right pickup
// code, a curbside arrival, a substitute, and a session ended elsewhere. The daemon's state is checked through
// the API. Screenshots of every screen go to $E2E_ARTIFACTS/screenshots.
//
// Run by CTest (test e2e_handheld, label e2e). Exit 77 (skipped) only when Chromium is missing.
import assert from 'node:assert/strict';
import { run, until, scan as scanInto, HANDHELD } from './harness.mjs';

await run('handheld', async ({ store, browser, shot }) => {
  // The OMS: the contract's snapshot (A-77812 BOPIS, A-77813 ship-from-store) and a curbside
  // order due in 45 minutes.
  await store.open([{
    allocation: 'A-90001', order: 'W2000001', kind: 'curbside', priority: 2, substitutions_allowed: true,
    promised_by: new Date(Date.now() + 45 * 60000).toISOString(),
    customer: { name: 'Grace Hopper', pickup_code: '771204', email_hash: '1b4f0e9851971998', phone_last4: '5678' },
    lines: [{ line: '1', sku: 'SKU-3003', gtins: ['00012345678905'], description: 'Tea towel', qty: 2, unit_price: 599, currency: 'EUR' }],
  }]);
  const { base, token } = store;
  const get = (p) => store.get(p);
  const workItem = async (id) => (await get('/api/v1/work?limit=200')).work.find((w) => w.id === id);

  // The app is served by the daemon.
  const index = await fetch(`${base}/`);
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type'), /^text\/html/);
  assert.ok(index.headers.get('etag'));
  const again = await fetch(`${base}/`, { headers: { 'If-None-Match': index.headers.get('etag') } });
  assert.equal(again.status, 304);
  assert.equal((await fetch(`${base}/app/app.js`)).headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal((await fetch(`${base}/app/nope.js`)).status, 404);

  const handheld = HANDHELD;

  // 1. A new handheld without a token asks for one; a wrong one is refused in words.
  {
    const ctx = await browser.newContext(handheld);
    const page = await ctx.newPage();
    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: 'Set up this handheld' }).waitFor();
    await page.getByLabel('Device token').fill('not-a-token');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.locator('.msg.error', { hasText: 'starts with dev_' }).waitFor();
    await shot(page, 'setup');
    await page.getByLabel('Device token').fill(token);
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.getByText('Scan your badge').first().waitFor();
    await ctx.close();
  }

  // 2. The set-up link: the token is kept and taken out of the address.
  const ctx = await browser.newContext(handheld);
  const page = await ctx.newPage();
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  await page.goto(`${base}/#device=${token}`);
  await page.getByText('Scan your badge').first().waitFor();
  assert.equal(await page.evaluate(() => location.hash), '');
  assert.equal(await page.evaluate(() => localStorage.getItem('storeedge.device')), token);

  // The focused field takes a wedge scanner's keystrokes.
  const scan = (code) => scanInto(page, code);
  const flash = async (kind) => page.locator(`#flash.show.${kind}`).waitFor({ timeout: 5000 });

  // 3. Sign in: badge scan, PIN on the keypad.
  await scan('BADGE-A1');
  await page.getByText('Badge scanned').first().waitFor();
  for (const d of '2468') await page.locator('.keypad').getByRole('button', { name: d, exact: true }).click();
  await shot(page, 'signin');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Signed in as Alex Associate').waitFor();
  await page.locator('.tile.main .count', { hasText: 'to pick' }).waitFor();
  assert.match(await page.locator('.tile.main .count').innerText(), /^3 to pick · 2 overdue$/);
  await shot(page, 'home');

  // 4. The queue: most urgent first, with its timer.
  await page.locator('.tile[data-screen="queue"]').click();
  const bopis = page.locator('.card[data-id="A-77812"]');
  await bopis.waitFor();
  assert.match(await bopis.locator('.due').innerText(), /^Overdue /);
  assert.match(await page.locator('.card[data-id="A-90001"] .due').innerText(), /^Due in 4\d min$/);
  assert.match(await page.locator('.card[data-id="A-90001"]').innerText(), /Priority 2/);
  await shot(page, 'queue');

  // 5. Picking by scan.
  await bopis.click();
  await page.locator('.line[data-line="1"]').waitFor();
  assert.equal(await page.locator('.line').count(), 2);
  await shot(page, 'pick');
  const linePicked = (line) => page.locator(`.line[data-line="${line}"] .n`).getAttribute('data-picked').then(Number);
  const shows = (line, picked) => until(`line ${line} to show ${picked} picked`, async () => (await linePicked(line)) === picked, 5000);

  await scan('05901234123457');
  await flash('ok');
  await page.locator('.line.hit[data-line="1"]').waitFor();
  await shows('1', 1);
  await shot(page, 'pick-scanned');

  // A wrong item: red, the API's words, nothing recorded.
  await scan('4006381333931');
  await flash('error');
  const refusal = await page.locator('.msg.error').innerText();
  assert.equal(refusal, '4006381333931 is not an item on allocation A-77812');
  await shot(page, 'pick-wrong-item-flash', { withFlash: true });
  await shot(page, 'pick-wrong-item');
  assert.equal((await workItem('A-77812')).units_picked, 1);

  // A Wi-Fi blip: the scan reaches the daemon but its answer is lost. The app retries with the
  // same Idempotency-Key and the daemon replays the first answer: one unit, not two.
  const keys = [];
  let blipped = false;
  let retryBar = '';
  await page.route('**/api/v1/allocations/A-77812/picks', async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    if (blipped) {
      // The retry is on its way: the bar says so while it is held here.
      retryBar = await page.locator('#net').innerText();
      await shot(page, 'pick-retrying', { withFlash: true });
      return route.continue();
    }
    blipped = true;
    await route.fetch(); // the daemon applies it...
    await route.abort('internetdisconnected'); // ...and the handheld never hears back
  });
  const replayed = page.waitForResponse((r) => r.url().endsWith('/A-77812/picks') && r.request().method() === 'POST');
  await scan('05901234123457');
  const answer = await replayed;
  assert.match(retryBar, /Connection problem — retrying… \(try 2 of 4\)/);
  assert.equal(answer.status(), 200);
  assert.equal(answer.headers()['idempotency-replayed'], 'true');
  await flash('ok');
  await page.unroute('**/api/v1/allocations/A-77812/picks');
  assert.equal(keys.length, 2);
  assert.ok(keys[0] && keys[0] === keys[1], `retry keys: ${keys}`);
  await shows('1', 2);
  assert.equal((await workItem('A-77812')).units_picked, 2);
  await page.locator('#net').waitFor({ state: 'hidden' });

  // The tea towel by its UPC with the scanner's AIM prefix; undo it; then by SKU, typed.
  await scan(']E00012345678905');
  await shows('2', 1);
  await page.getByRole('button', { name: 'Undo last pick' }).click();
  await page.locator('.msg.ok', { hasText: 'Pick undone' }).waitFor();
  await shows('2', 0);
  assert.equal((await workItem('A-77812')).units_picked, 2);
  await scan('SKU-3003');
  await page.locator('.msg.ok', { hasText: 'All done' }).waitFor();
  assert.equal(await page.locator('.pickhead .count').getAttribute('data-picked'), '3');
  await shot(page, 'pick-done');
  await page.getByRole('button', { name: 'Finish picking' }).click();

  // 6. Staging.
  await page.getByText('then scan the location’s label').waitFor();
  await shot(page, 'stage');
  await scan('PICKUP-3');
  await page.locator('.msg.ok', { hasText: 'ready for the customer at PICKUP-3' }).waitFor();
  await shot(page, 'staged');
  const staged = await workItem('A-77812');
  assert.equal(staged.state, 'ready');
  assert.equal(staged.staging_location, 'PICKUP-3');

  // 7. The customer comes: found by the pickup code, handed over after a wrong code.
  await page.getByRole('button', { name: 'Next order' }).click();
  await page.locator('.card[data-id="A-90001"]').waitFor();
  await page.getByRole('button', { name: '‹ Back' }).click();
  await page.locator('.tile[data-screen="pickup"]').click();
  await scan('482913');
  const found = page.locator('.card[data-id="A-77812"]');
  await found.waitFor();
  assert.match(await found.innerText(), /Staged at PICKUP-3/);
  await shot(page, 'pickup-search');
  await found.click();
  await page.getByText('Check who the customer is').waitFor();
  await shot(page, 'handover');
  await page.getByLabel('Pickup code').fill('111111');
  await page.getByRole('button', { name: 'Hand over' }).click();
  await flash('error');
  assert.match(await page.locator('.msg.error').innerText(), /pickup code/i);
  await shot(page, 'handover-wrong-code');
  await page.getByLabel('Pickup code').fill('482913');
  await page.getByRole('button', { name: 'Hand over' }).click();
  await page.locator('.msg.ok', { hasText: 'handed over to Ada Byron (3 items)' }).waitFor();
  await shot(page, 'handed-over');

  // 8. A curbside customer arrives at bay 3.
  await page.getByRole('button', { name: 'Next customer' }).click();
  await page.getByRole('button', { name: 'Type with the keyboard' }).click();
  await scan('Hopper');
  await page.locator('.card[data-id="A-90001"]').click();
  await page.getByRole('button', { name: /Customer has arrived/ }).click();
  await page.getByText('Which bay are they in?').waitFor();
  await shot(page, 'arrival');
  await page.locator('.bays').getByRole('button', { name: '3', exact: true }).click();
  await page.locator('.arrived', { hasText: 'Bay 3' }).waitFor();
  await shot(page, 'arrival-recorded');

  // The daemon's state afterwards.
  const done = await get('/api/v1/allocations/A-77812');
  assert.equal(done.allocation.state, 'handed_over');
  const work = (await get('/api/v1/work?limit=200')).work;
  assert.equal(work.find((w) => w.id === 'A-77812'), undefined);
  assert.equal(work.find((w) => w.id === 'A-90001').arrival_bay, '3');

  // 9. The curbside order has no tea towels on the shelf; the customer accepts a substitute.
  await page.getByRole('button', { name: '‹ Back' }).click();
  await page.getByRole('button', { name: '‹ Back' }).click();
  await page.locator('.tile[data-screen="queue"]').click();
  await page.locator('.card[data-id="A-90001"]').click();
  await page.getByRole('button', { name: 'Not there? Pick a substitute' }).click();
  await page.getByText('Scan the substitute for Tea towel.').waitFor();
  await scan('05901234123457');
  await page.locator('.line[data-line="1"]', { hasText: 'Substitute SKU-1001' }).waitFor();
  await page.locator('.msg.ok', { hasText: '1 × SKU-1001 (substitute for Tea towel) picked' }).waitFor();
  await shows('1', 1);
  await shot(page, 'pick-substitute');
  assert.equal((await workItem('A-90001')).units_picked, 1);

  // 10. The session ends elsewhere (a manager signs the associate out): the next scan goes back
  // to sign-in.
  const appSession = await page.evaluate(() => JSON.parse(localStorage.getItem('storeedge.session')).session);
  const ended = await fetch(`${base}/api/v1/sessions/current`, {
    method: 'DELETE', headers: { Authorization: `Bearer ${token}`, 'StoreEdge-Session': appSession },
  });
  assert.equal(ended.status, 200);
  await scan('05901234123457');
  await page.locator('.msg.warn', { hasText: 'The session has expired or ended; sign in again.' }).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('storeedge.session')), null);
  await shot(page, 'signed-out');

  assert.deepEqual(consoleErrors.filter((e) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(e)), []);
});
