// POS returns in the browser, end to end, against the real storeedged: the OMS sends an order the
// store may take returns for (return_by 20 days from today); a POS terminal at station till-1
// with a raw ESC/POS receipt printer that is this test's own TCP server. An associate on the
// till finds the order, returns a mug by scanning it (restocked, a slip printed: the receipt on
// screen, the slip's bytes at the printer); a line that is not returnable needs a manager (a
// wrong PIN is refused, the right one approves, every try with the same Idempotency-Key); with
// the broker stopped an offline return under the limit is taken (its answer lost once: the retry
// with the same key gets the same return), a lead reviews it on a handheld, and a manager signed
// in on the till takes a return past its date by confirming it. The daemon's
// state is checked through the API after each step. Screenshots go to
// $E2E_ARTIFACTS/screenshots/returns.
//
// Run by CTest (test e2e_returns, label e2e). Exit 77 (skipped) only without Chromium.
import assert from 'node:assert/strict';
import { run, until, scan as scanInto, signedInPage, RawPrinter } from './harness.mjs';

const ORDER = 'W7700001';
const RECEIPT = 'RCPT-77001';
const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);

await run('returns', async ({ store, browser, shot }) => {
  const printer = new RawPrinter();
  await printer.listen();
  try {
    await body(store, browser, shot, printer);
  } finally {
    await printer.stop().catch(() => {});
  }
});

async function body(store, browser, shot, printer) {
  store.config = '[[printers.printer]]\nname = "till-printer"\nstation = "till-1"\npurposes = ["return_slip"]\n'
    + `backend = "raw"\nhost = "127.0.0.1"\nport = ${printer.port}\nformat = "escpos"\n`;
  // Two mugs, a tea towel that is not returnable and one past its return date, paid by gift card
  // first and card for the rest.
  const order = {
    order: ORDER, channel: 'web', placed_at: `${day(-10)}T09:00:00.000Z`, delivered_at: `${day(-8)}T15:00:00.000Z`,
    currency: 'EUR', customer: { name: 'Grace Hopper', email_hash: 'c0ffee00c0ffee00' }, receipt_barcodes: [ORDER, RECEIPT],
    lines: [
      { line: '1', sku: 'SKU-1001', gtins: ['05901234123457'], qty: 2, returned_qty: 0, unit_paid: 1199, returnable: true, return_by: day(20) },
      { line: '2', sku: 'SKU-3003', gtins: ['00012345678905'], qty: 1, returned_qty: 0, unit_paid: 599, returnable: false, return_by: day(20) },
      { line: '3', sku: 'SKU-3003', gtins: ['00012345678905'], qty: 1, returned_qty: 0, unit_paid: 450, returnable: true, return_by: day(-2) },
    ],
    tenders: [
      { tender: 'T1', method: 'gift_card', last4: '9911', amount: 1000 },
      { tender: 'T2', method: 'card', last4: '4242', amount: 2447 },
    ],
  };
  await store.open([{ type: 'returnable_orders', body: { orders: [order] } }]);
  store.ctl(['users', 'add', '--id', 'm1', '--name', 'Mia Manager', '--role', 'manager'], '1357\n');
  store.ctl(['users', 'add', '--id', 'l1', '--name', 'Lee Lead', '--role', 'lead'], '8642\n');
  const enrolled = store.ctl(['devices', 'enrol', '--id', 'pos1', '--kind', 'pos', '--name', 'Till 1', '--station', 'till-1']);
  const till = /dev_[A-Za-z0-9_-]{43}/.exec(enrolled)?.[0];
  assert.ok(till, enrolled);
  const lead = await store.signIn('l1', '8642');
  const onHand = async (sku) => (await store.get(`/api/v1/inventory/${sku}`)).on_hand;
  const damaged = async (sku) => (await store.get(`/api/v1/inventory/${sku}`)).damaged;
  const metric = async (name) => {
    const text = await (await fetch(`${store.base}/metrics`)).text();
    return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
  };
  const mugs = await onHand('SKU-1001');
  const damagedTowels = await damaged('SKU-3003');

  // 0. On a handheld the associate sees no Returns and no Review (the session says it is no till,
  // and the returns lookup refuses it).
  const handheld = await signedInPage(browser, store);
  await handheld.goto(`${store.base}/`);
  await handheld.getByText('Signed in as Alex Associate').waitFor();
  const refused = await handheld.evaluate(async () => (await fetch('/api/v1/returns/orders?order=W1', {
    headers: {
      Authorization: `Bearer ${localStorage.getItem('storeedge.device')}`,
      'StoreEdge-Session': JSON.parse(localStorage.getItem('storeedge.session')).session,
    },
  })).json());
  assert.equal(refused.error.code, 'wrong_device');
  assert.ok(await handheld.locator('.tile[data-screen="returns"]').isHidden());
  assert.equal(await handheld.locator('.tile[data-screen="returnreview"]').count(), 0);
  await handheld.close();

  // 1. At the till: the order by its number; each line with what may come back and why not.
  const page = await signedInPage(browser, store, { token: till });
  const posts = []; // every POST /returns: its key, the override header, the body
  page.on('request', (req) => {
    if (req.method() === 'POST' && new URL(req.url()).pathname === '/api/v1/returns')
      posts.push({ key: req.headers()['idempotency-key'], override: req.headers()['storeedge-override'], body: req.postDataJSON() });
  });
  const scan = (code) => scanInto(page, code);
  const line = (n) => page.locator(`.retline[data-line="${n}"]`);
  const noGaps = async (p = page) => assert.doesNotMatch(await p.locator('#screen').innerText(), /null|undefined|NaN|Invalid Date/);
  await page.goto(`${store.base}/`);
  await page.locator('.tile[data-screen="returns"]').click(); // shown: this device is a till
  await scan(ORDER);
  await page.locator('body[data-screen="returnorder"]').waitFor();
  assert.match(await line(1).innerText(), new RegExp(`Blue mug\\s*€11\\.99\\s*SKU-1001\\s*2 bought · 0 returned\\s*Return by ${day(20)}\\s*2 can come back`));
  assert.match(await line(2).innerText(), /Not returnable\s*Needs a manager/);
  assert.equal(await line(2).getAttribute('data-eligible'), 'false');
  assert.match(await line(3).innerText(), new RegExp(`Return by ${day(-2)}[\\s\\S]*Past its return date\\s*Needs a manager`));
  assert.ok(await page.getByText('Offline:').isHidden());
  await noGaps();
  await shot(page, 'order');

  // 2. One mug back by its scan (the EAN-13 form of its GTIN): restocked, with a slip.
  await scan('5901234123457');
  await page.locator('#flash.show.ok', { hasText: 'Blue mug: 1' }).waitFor();
  assert.ok(await line(1).locator('input[name="line-1"]').isChecked());
  await page.getByRole('button', { name: 'Take the return · €11.99' }).click();
  await page.locator('.msg.error', { hasText: 'Choose the reason for line 1.' }).waitFor();
  await line(1).locator('select[name="reason"]').selectOption('changed_mind');
  await line(1).locator('select[name="condition"]').selectOption('new');
  assert.equal(await line(1).locator('select[name="disposition"]').inputValue(), 'restock');
  await line(1).locator('select[name="condition"]').selectOption('used'); // used goods are not restocked
  assert.equal(await line(1).locator('select[name="disposition"]').inputValue(), '');
  assert.ok(await line(1).locator('option[value="restock"]').isDisabled());
  await line(1).locator('select[name="condition"]').selectOption('new');
  assert.equal(await line(1).locator('select[name="disposition"]').inputValue(), 'restock');
  await shot(page, 'chosen');
  await page.getByRole('button', { name: 'Take the return · €11.99' }).click();
  await page.locator('body[data-screen="returnreceipt"]').waitFor();
  const receipt = page.locator('.receipt');
  await page.locator('.printline[data-state="done"]', { hasText: 'Return slip: Printed on till-printer' }).waitFor({ timeout: 15000 });
  assert.match(await receipt.innerText(), /^RETURN\s*R-S042-0001\s*Order W7700001/i);
  assert.match(await receipt.innerText(), /Blue mug\s*€11\.99\s*SKU-1001\s*1 × €11\.99\s*Changed their mind · New, unopened · Back on the shelf/);
  assert.match(await receipt.innerText(), /Refund\s*€11\.99\s*Card \*\*\*\*4242\s*€11\.99/);
  assert.ok(await page.getByText('Taken offline').isHidden());
  await noGaps();
  await shot(page, 'receipt');
  const first = (await store.get('/api/v1/returns/R-S042-0001')).return;
  assert.equal(first.offline, false);
  assert.equal(first.refund.amount, 1199);
  assert.deepEqual(first.lines.map((l) => [l.line, l.qty, l.disposition]), [['1', 1, 'restock']]);
  assert.deepEqual(first.refund.tenders.map((t) => [t.method, t.last4, t.amount]), [['card', '4242', 1199]]);
  assert.equal(first.device, 'pos1');
  assert.equal(await onHand('SKU-1001'), mugs + 1);
  assert.equal(posts.length, 1);
  assert.ok(posts[0].key);
  assert.deepEqual(posts[0].body, { order: ORDER, slip: true,
    lines: [{ line: '1', code: '5901234123457', qty: 1, reason: 'changed_mind', condition: 'new', disposition: 'restock' }] });
  await until('the slip at the printer', async () => printer.documents.length === 1);
  assert.ok(printer.documents[0].startsWith('\x1b@'), 'ESC/POS starts with ESC @');
  assert.ok(printer.documents[0].includes('R-S042-0001') && printer.documents[0].includes('11.99 EUR'));

  // 3. The tea towel is not returnable: a manager approves it (a wrong PIN first), no slip.
  await page.getByRole('button', { name: 'Next return' }).click();
  await scan(ORDER);
  await page.locator('body[data-screen="returnorder"]').waitFor();
  assert.match(await line(1).innerText(), /2 bought · 1 returned[\s\S]*1 can come back/);
  await line(2).getByLabel('Comes back').check();
  await line(2).locator('select[name="reason"]').selectOption('defective');
  await line(2).locator('select[name="condition"]').selectOption('damaged');
  assert.equal(await line(2).locator('select[name="disposition"]').inputValue(), 'damaged');
  await page.getByLabel('Print a return slip').uncheck();
  await page.getByRole('button', { name: 'Take the return · €5.99' }).click();
  const sheet = page.locator('.sheet.override');
  await sheet.getByText('Line 2: not returnable').waitFor();
  await page.locator('.msg.error', { hasText: 'A manager override is needed' }).waitFor();
  await noGaps();
  await shot(page, 'override');
  await sheet.getByLabel('Manager’s user ID').fill('m1');
  await sheet.getByLabel('Manager’s PIN').fill('0000');
  await sheet.getByLabel('Reason for the override').fill('towel torn in the parcel');
  await sheet.getByRole('button', { name: 'Manager approves' }).click();
  await sheet.locator('.error', { hasText: 'credentials' }).waitFor();
  await noGaps();
  await shot(page, 'override-refused');
  assert.equal(await sheet.getByLabel('Manager’s PIN').inputValue(), '');
  await sheet.getByLabel('Manager’s user ID').fill('m1');
  await sheet.getByLabel('Manager’s PIN').fill('1357');
  await sheet.getByLabel('Reason for the override').fill('towel torn in the parcel');
  await sheet.getByRole('button', { name: 'Manager approves' }).click();
  await page.locator('body[data-screen="returnreceipt"]').waitFor();
  assert.match(await receipt.innerText(), /R-S042-0002/);
  assert.match(await receipt.innerText(), /Outside the policy: Line 2: not returnable\s*Approved by m1: towel torn in the parcel/);
  assert.match(await receipt.innerText(), /Refund\s*€5\.99\s*Card \*\*\*\*4242\s*€5\.99/);
  assert.equal(await page.locator('.printline').count(), 0); // no slip asked
  await noGaps();
  await shot(page, 'override-receipt');
  assert.equal(posts.length, 4);
  const overrideTries = posts.slice(1);
  assert.ok(overrideTries.every((p) => p.key === overrideTries[0].key), 'one key for the return and its approval');
  assert.notEqual(overrideTries[0].key, posts[0].key);
  assert.deepEqual(overrideTries.map((p) => p.override), [undefined, 'user:m1:0000', 'user:m1:1357']);
  const second = (await store.get('/api/v1/returns/R-S042-0002')).return;
  assert.equal(second.override_by, 'm1');
  assert.equal(second.override_reason, 'towel torn in the parcel');
  assert.deepEqual(second.breaches, ['line 2: not_returnable']);
  assert.deepEqual(second.print_jobs, []);
  assert.equal(await damaged('SKU-3003'), damagedTowels + 1);

  // 4. The broker stops: the till says so with the limit, finds the order by its receipt in the
  // replica, and takes the last mug offline. Its first answer is lost; the retry, same key, gets
  // the same return.
  store.children[0].kill('SIGTERM'); // mosquitto, started first
  await until('the link to be down', async () => (await (await fetch(`${store.base}/readyz`)).json()).checks.sync.connected === false, 20000);
  await page.getByRole('button', { name: 'Next return' }).click();
  await scan(RECEIPT);
  await page.locator('body[data-screen="returnorder"]').waitFor();
  await page.getByText('Offline: the OMS cannot be reached. A return of up to €200.00 can be taken now; a lead reviews it later.').waitFor();
  await scan('05901234123457');
  await line(1).locator('select[name="reason"]').selectOption('wrong_size');
  await line(1).locator('select[name="condition"]').selectOption('opened');
  await scan('05901234123457'); // only one left to return
  await page.locator('.msg.error', { hasText: 'Line 1 (Blue mug): 1 of 2 can come back, and 1 is chosen.' }).waitFor();
  await noGaps();
  await shot(page, 'offline-order');
  let lost = false;
  await page.route('**/api/v1/returns', async (route) => {
    if (lost) return route.continue();
    lost = true;
    await route.fetch(); // the daemon takes it...
    await route.abort('internetdisconnected'); // ...and the till never hears back
  });
  const replayed = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/returns' && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Take the return · €11.99' }).click();
  const answer = await replayed;
  assert.equal(answer.status(), 201);
  assert.equal(answer.headers()['idempotency-replayed'], 'true');
  await page.unroute('**/api/v1/returns');
  await page.locator('body[data-screen="returnreceipt"]').waitFor();
  assert.match(await receipt.innerText(), /R-S042-0003\s*Taken offline — a lead reviews it/);
  assert.match(await receipt.innerText(), /Refund\s*€11\.99\s*Card \*\*\*\*4242\s*€6\.49\s*Gift card \*\*\*\*9911\s*€5\.50/);
  await page.locator('.printline[data-state="done"]', { hasText: 'Return slip: Printed on till-printer' }).waitFor({ timeout: 15000 });
  await noGaps();
  await shot(page, 'offline-receipt');
  assert.equal(posts.length, 6);
  assert.equal(posts[4].key, posts[5].key, 'the retry carries the same key');
  const offline = (await store.get('/api/v1/returns?offline=true', lead)).items;
  assert.deepEqual(offline.map((r) => [r.return, r.review.state, r.refund.amount]), [['R-S042-0003', 'pending', 1199]]);
  assert.equal((await store.get(`/api/v1/returns?order=${ORDER}`, lead)).items.length, 3, 'one return, however often sent');
  assert.equal(await onHand('SKU-1001'), mugs + 2);
  assert.equal(await metric('storeedge_returns_pending_review'), 1);
  await until('the second slip', async () => printer.documents.length === 2);
  assert.ok(printer.documents[1].includes('OFFLINE - TO BE REVIEWED'));

  // 5. A lead on a handheld reviews it: a flag needs a note; flagged, the list is empty.
  const review = await signedInPage(browser, store, { user: 'l1', pin: '8642' });
  await review.goto(`${store.base}/`);
  await review.getByText('Signed in as Lee Lead').waitFor();
  await review.locator('.tile[data-screen="returnreview"]').click();
  const card = review.locator('.card[data-return="R-S042-0003"]');
  assert.match(await card.innerText(), /R-S042-0003\s*€11\.99\s*Order W7700001\s*Card \+ Gift card\s*by a1 at till-1/);
  assert.equal(await review.locator('.card').count(), 1);
  await noGaps(review);
  await shot(review, 'review-list');
  await card.click();
  await review.locator('body[data-screen="returncheck"]').waitFor();
  assert.match(await review.locator('.receipt').innerText(), /Taken offline — a lead reviews it[\s\S]*Blue mug\s*€11\.99[\s\S]*Wrong size · Opened, as new · Back on the shelf[\s\S]*Gift card \*\*\*\*9911\s*€5\.50/);
  await review.getByRole('button', { name: 'Flag for loss prevention' }).click();
  await review.locator('.msg.error', { hasText: 'A flag needs a note saying why.' }).waitFor();
  await review.getByLabel('Note').fill('receipt shows a different size');
  await noGaps(review);
  await shot(review, 'review-flag');
  await review.getByRole('button', { name: 'Flag for loss prevention' }).click();
  await review.locator('body[data-screen="returnreview"]').waitFor();
  await review.locator('.msg.ok', { hasText: 'Return R-S042-0003 flagged.' }).waitFor();
  await review.getByText('No offline returns are waiting for review.').waitFor();
  await shot(review, 'review-done');
  const flagged = (await store.get('/api/v1/returns/R-S042-0003', lead)).return;
  assert.deepEqual(flagged.review.state, 'flagged');
  assert.equal(flagged.review.by, 'l1');
  assert.equal(flagged.review.note, 'receipt shows a different size');
  assert.equal(await metric('storeedge_returns_pending_review'), 0);

  // 6. Still offline, a manager signed in on the till takes back the towel past its date: they
  // only confirm (no PIN), with a reason; the refund goes on where the last one stopped.
  const boss = await signedInPage(browser, store, { user: 'm1', pin: '1357', token: till });
  const bossPosts = [];
  boss.on('request', (req) => {
    if (req.method() === 'POST' && new URL(req.url()).pathname === '/api/v1/returns')
      bossPosts.push({ key: req.headers()['idempotency-key'], override: req.headers()['storeedge-override'], body: req.postDataJSON() });
  });
  await boss.goto(`${store.base}/`);
  await boss.locator('.tile[data-screen="returns"]').click();
  await scanInto(boss, ORDER);
  const late = boss.locator('.retline[data-line="3"]');
  await late.getByLabel('Comes back').check();
  await late.locator('select[name="reason"]').selectOption('arrived_late');
  await late.locator('select[name="condition"]').selectOption('new');
  await boss.getByLabel('Print a return slip').uncheck();
  await boss.getByRole('button', { name: 'Take the return · €4.50' }).click();
  const confirm = boss.locator('.sheet.override');
  await confirm.getByText('Line 3: past its return date').waitFor();
  await confirm.getByText('You are signed in as a manager. Approve it?').waitFor();
  assert.equal(await confirm.getByLabel('Manager’s PIN').count(), 0);
  await confirm.getByLabel('Reason for the override').fill('customer was in hospital');
  await noGaps(boss);
  await shot(boss, 'manager-confirms');
  await confirm.getByRole('button', { name: 'Approve and take the return' }).click();
  await boss.locator('body[data-screen="returnreceipt"]').waitFor();
  const bossReceipt = await boss.locator('.receipt').innerText();
  assert.match(bossReceipt, /R-S042-0004\s*Taken offline — a lead reviews it/);
  assert.match(bossReceipt, /Outside the policy: Line 3: past its return date\s*Approved by m1: customer was in hospital/);
  assert.match(bossReceipt, /Refund\s*€4\.50\s*Gift card \*\*\*\*9911\s*€4\.50/);
  await shot(boss, 'manager-receipt');
  assert.equal(bossPosts.length, 2);
  assert.equal(bossPosts[0].key, bossPosts[1].key);
  assert.deepEqual(bossPosts.map((p) => [p.override, p.body.override, p.body.override_reason]),
    [[undefined, undefined, undefined], [undefined, true, 'customer was in hospital']]);
  const fourth = (await store.get('/api/v1/returns/R-S042-0004')).return;
  assert.deepEqual([fourth.offline, fourth.override_by, fourth.breaches, fourth.review.state],
    [true, 'm1', ['line 3: out_of_window'], 'pending']);
  assert.equal(await metric('storeedge_returns_pending_review'), 1);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(review.errors, []);
  assert.deepEqual(boss.errors, []);
}
