// End to end, the floor's other screens against the real storeedged (nothing is answered by the
// test): batch picking two pickup orders into their slots, finishing and staging them from the
// batch, expiring one at once (the OMS's store.config holds pickups for 0 days), handing the other
// over with fewer items, putting the expired goods back by scanning item then bin, picking and
// packing a ship-from-store order into two weighed and measured packages, a typed tracking number
// for one and the OMS's label for the other, shipping it, a blind cycle count with a big variance
// that waits for a lead, the lead approving it, and looking the item up. The daemon's state is
// checked through the API after each step. Screenshots of every screen go to
// $E2E_ARTIFACTS/screenshots/floor.
//
// Run by CTest (test e2e_floor_screens, label e2e). Exit 77 (skipped) only without Chromium.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { run, until, scan as scanInto, signedInPage } from './harness.mjs';

// A 1×1 PNG: a photo with no barcode in it.
const BLANK_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

// A photo of the mug's EAN-13, drawn by zint (another encoder than the daemon's decoder).
function barcodePhoto(dir) {
  const file = path.join(dir, 'mug-ean13.png');
  execFileSync('zint', ['-b', '13', '-d', '590123412345', '--scale=3', '-o', file]);
  return fs.readFileSync(file);
}
const MUG = '05901234123457'; // SKU-1001, home bin A-03-2
const TOWEL = '00012345678905'; // SKU-3003, home bin C-11-1

await run('floor', async ({ store, browser, shot }) => {
  // The OMS: the contract's snapshot (A-77812 pickup: 2 mugs and a towel; A-77813 ship-from-store,
  // the same, by DHL), a second pickup order, and a store.config that holds pickups for 0 days.
  await store.open([
    {
      allocation: 'A-90002', order: 'W2000002', kind: 'bopis', promised_by: new Date(Date.now() + 2 * 3600e3).toISOString(),
      customer: { name: 'Alan Turing', pickup_code: '550011', email_hash: '2c26b46b68ffc68f', phone_last4: '4321' },
      lines: [
        { line: '1', sku: 'SKU-1001', gtins: [MUG], description: 'Blue mug', qty: 1, unit_price: 1299, currency: 'EUR' },
        { line: '2', sku: 'SKU-3003', gtins: [TOWEL], description: 'Tea towel', qty: 1, unit_price: 599, currency: 'EUR' },
      ],
    },
    { type: 'store.config', body: { pickup_hold_days: 0 } },
  ]);
  const get = (p) => store.get(p);
  const allocation = async (id) => (await get(`/api/v1/allocations/${id}`)).allocation;
  const onHand = async (sku, location) => (await get(`/api/v1/inventory?sku=${sku}&location=${location}`)).items[0]?.on_hand ?? 0;

  const page = await signedInPage(browser, store);
  const scan = (code) => scanInto(page, code);
  const flash = (kind) => page.locator(`#flash.show.${kind}`).waitFor({ timeout: 5000 });
  const home = async () => {
    while (await page.locator('#back').isVisible()) await page.locator('#back').click();
    await page.locator('body[data-screen="home"]').waitFor();
  };
  // Every change the app sends, seen on the way out (nothing is answered here).
  const changes = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (req.method() !== 'GET' && url.pathname.startsWith('/api/v1/') && !url.pathname.startsWith('/api/v1/sessions')
      && url.pathname !== '/api/v1/scans/image')
      changes.push({ method: req.method(), path: url.pathname, key: req.headers()['idempotency-key'], body: req.postDataJSON?.() ?? null });
  });
  const sent = (method, p) => changes.filter((c) => c.method === method && c.path === p);

  await page.goto(`${store.base}/`);
  await page.getByText('Signed in as Alex Associate').waitFor();

  // 1. Batch picking the two pickup orders: each unit goes into its order's slot.
  await page.locator('.tile[data-screen="batch"]').click();
  await page.getByLabel('Batch W1009913').check();
  await page.getByLabel('Batch W2000002').check();
  await shot(page, 'batch-choose');
  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/batches') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Start batch of 2' }).click();
  const batchId = (await (await created).json()).batch.id;
  assert.deepEqual(sent('POST', '/api/v1/batches')[0].body, { allocations: ['A-77812', 'A-90002'] });
  const stop = page.locator('.stop');
  await stop.locator('.big', { hasText: 'A-03-2' }).waitFor();
  assert.match(await stop.innerText(), /A-03-2\s*Pick\s*3\s*Blue mug\s*SKU-1001\s*Slot 1 × 2\s*Slot 2 × 1/i);
  await shot(page, 'batch-walk');
  const left = (n) => stop.getByText(`${n} unit${n === 1 ? '' : 's'} left in the batch`).waitFor();
  const slotShown = page.locator('.slot strong');
  for (const [code, slot, unitsLeft] of [[MUG, 1, 4], [MUG, 1, 3], [MUG, 2, 2], [TOWEL, 1, 1]]) {
    await scan(code);
    await left(unitsLeft);
    assert.equal(await slotShown.innerText(), String(slot));
    if (slot === 2) await shot(page, 'batch-slot');
    if (unitsLeft === 3) {
      // Called away half-way: the batch is offered again (its orders are not offered alone).
      await home();
      await page.locator('.tile[data-screen="batch"]').click();
      await page.locator(`.card.resume[data-batch="${batchId}"]`, { hasText: '3 to pick' }).waitFor();
      assert.equal(await page.getByLabel('Batch W1009913').count(), 0);
      await page.getByLabel('Batch W1009914').waitFor();
      await shot(page, 'batch-resume');
      await page.locator('.card.resume').click();
      await left(3);
    }
  }
  await scan(TOWEL);
  await stop.getByText('All picked').waitFor();
  assert.equal(await slotShown.innerText(), '2');
  assert.match(await page.locator('.slot').innerText(), /Put it in slot\s*2\s*W2000002/i);
  await shot(page, 'batch-all-picked');
  const batch = (await get(`/api/v1/batches/${batchId}`)).batch;
  assert.equal(batch.state, 'done');
  assert.deepEqual(batch.slots.map((s) => [s.slot, s.allocation, s.state]), [[1, 'A-77812', 'picking'], [2, 'A-90002', 'picking']]);
  assert.equal((await allocation('A-77812')).units_to_pick, 0);
  assert.equal((await allocation('A-90002')).units_to_pick, 0);

  // 2. Each order of the batch is finished and staged from it.
  for (const [slot, id, location] of [[1, 'A-77812', 'PICKUP-1'], [2, 'A-90002', 'PICKUP-2']]) {
    await page.locator(`.slotrow.finish[data-slot="${slot}"]`).click();
    await page.locator('.pickhead .count', { hasText: /^(\d) of \1 units picked$/ }).waitFor();
    await page.getByRole('button', { name: 'Finish picking' }).click();
    await page.getByText('then scan the location’s label').waitFor();
    await scan(location);
    await page.locator('.msg.ok', { hasText: `ready for the customer at ${location}` }).waitFor();
    if (slot === 1) await shot(page, 'batch-staged');
    await page.getByRole('button', { name: 'Back to the batch' }).click();
    await page.locator(`.slotrow[data-slot="${slot}"][data-state="ready"]`).waitFor();
    assert.equal((await allocation(id)).state, 'ready');
  }
  await shot(page, 'batch-finished');
  await page.getByRole('button', { name: 'Done' }).click();

  // 3. Both are past the store's hold at once; A-77812 is taken off the shelf and expired.
  await page.locator('.tile[data-screen="expired"]').click();
  const expiredCard = page.locator('.card[data-id="A-77812"]');
  await expiredCard.waitFor();
  await page.locator('.card[data-id="A-90002"]').waitFor();
  assert.match(await expiredCard.innerText(), /W1009913[\s\S]*3 items[\s\S]*Ada Byron[\s\S]*Held until[\s\S]*PICKUP-1/);
  await shot(page, 'expired');
  await expiredCard.getByRole('button', { name: /Expire it/ }).click();
  await page.locator('.msg.ok', { hasText: 'W1009913 expired' }).waitFor();
  assert.equal(await expiredCard.count(), 0);
  await shot(page, 'expired-done');
  assert.equal((await allocation('A-77812')).state, 'expired');
  await home();

  // 4. Alan Turing takes only the towel: the mug stays behind.
  await page.locator('.tile[data-screen="pickup"]').click();
  await scan('W2000002');
  await page.locator('.card[data-id="A-90002"]').click();
  await page.getByRole('button', { name: 'Customer takes fewer items' }).click();
  const mugLine = page.locator('.line[data-line="1"]');
  await mugLine.waitFor();
  await mugLine.getByRole('button', { name: 'One less' }).click();
  assert.equal(await mugLine.locator('.qty').innerText(), '0');
  await page.getByLabel('Pickup code').fill('550011');
  await shot(page, 'handover-fewer');
  await page.getByRole('button', { name: 'Hand over' }).click();
  await page.locator('.msg.ok', { hasText: 'handed over to Alan Turing (1 item). 1 left behind goes on the put-back list.' }).waitFor();
  await shot(page, 'handed-over-fewer');
  assert.deepEqual(sent('POST', '/api/v1/allocations/A-90002/handover')[0].body.lines, [{ line: '1', qty: 0 }, { line: '2', qty: 1 }]);
  const handed = await allocation('A-90002');
  assert.equal(handed.state, 'handed_over');
  assert.deepEqual(handed.lines.map((l) => l.handed), [0, 1]);
  await home();

  // 5. Put-back: the expired order's two mugs, scanned twice, then the bin.
  const before = await onHand('SKU-1001', 'A-03-2');
  await page.locator('.tile[data-screen="putbacks"]').click();
  const tasks = (await get('/api/v1/put-backs')).items;
  assert.deepEqual(tasks.map((t) => [t.allocation, t.sku, t.reason, t.qty, t.done]),
    [['A-77812', 'SKU-1001', 'expired', 2, 0], ['A-77812', 'SKU-3003', 'expired', 1, 0], ['A-90002', 'SKU-1001', 'partial_handover', 1, 0]]);
  const mugTask = page.locator(`.card[data-id="${tasks[0].id}"]`);
  await mugTask.waitFor();
  assert.match(await mugTask.innerText(), /A-03-2[\s\S]*0 of 2 back[\s\S]*Blue mug[\s\S]*Expired pickup · A-77812/);
  await shot(page, 'putbacks');
  await mugTask.click();
  await scan(MUG);
  await page.getByText('1 × Blue mug in hand').waitFor();
  await scan(MUG);
  await page.getByText('2 × Blue mug in hand. Scan the bin you put them in').waitFor();
  assert.match(await page.locator('.putback .fetch').innerText(), /It belongs in\s*A-03-2/i);
  await shot(page, 'putback-in-hand');
  await scan(MUG); // one too many: the item again is never taken for a bin
  await page.locator('#flash.show.error', { hasText: 'Only 2 to put back: scan the bin' }).waitFor();
  await scan('A-03-2');
  await page.locator('.msg.ok', { hasText: '2 × Blue mug put back in A-03-2.' }).waitFor();
  await page.getByText('2 of 2 put back').waitFor();
  await shot(page, 'putback-done');
  assert.deepEqual(sent('POST', `/api/v1/put-backs/${tasks[0].id}/scans`).map((c) => c.body), [{ code: MUG, location: 'A-03-2', qty: 2 }]);
  assert.equal(await onHand('SKU-1001', 'A-03-2'), before + 2);
  await page.getByRole('button', { name: 'Next item' }).click();
  await page.locator(`.card[data-id="${tasks[1].id}"]`).waitFor();
  assert.equal(await mugTask.count(), 0);
  assert.equal((await get('/api/v1/put-backs')).items.length, 2);
  await home();

  // 6. The ship-from-store order: opening it to pick reads it (it stays open until the first
  // pick), two mugs in one scan, the towel, then packing.
  await page.locator('.tile[data-screen="queue"]').click();
  await page.locator('.card[data-id="A-77813"]').click();
  await page.locator('.line[data-line="1"]').waitFor();
  assert.match(await page.locator('.pickhead').innerText(), /W1009914[\s\S]*0 of 3 units picked[\s\S]*Ada Byron/);
  assert.equal((await allocation('A-77813')).state, 'open');
  await page.getByRole('button', { name: 'One more' }).click();
  await scan(MUG);
  await page.locator('.msg.ok', { hasText: '2 × Blue mug picked (2 of 2). 1 to go.' }).waitFor();
  await scan(TOWEL);
  await page.locator('.msg.ok', { hasText: 'All done' }).waitFor();
  await shot(page, 'pick-ship');
  await page.getByRole('button', { name: 'Finish picking' }).click();
  await page.getByText('Start a package, then scan each item into it.').waitFor();
  await shot(page, 'pack-start');
  const packMsg = (text) => page.locator('.msg.ok', { hasText: text }).waitFor();
  await page.getByRole('button', { name: 'New package' }).click();
  await page.locator('.line.hit[data-package="P1"]').waitFor();
  await scan(MUG);
  await packMsg('1 × Blue mug packed into P1 (1 in it). 2 left to pack.');
  await scan(MUG);
  await packMsg('1 × Blue mug packed into P1 (2 in it). 1 left to pack.');
  await page.getByRole('button', { name: 'New package' }).click();
  await page.locator('.line.hit[data-package="P2"]').waitFor();
  await scan(TOWEL);
  await packMsg('Everything is packed');
  await page.getByText('3 of 3 units packed').waitFor();
  const size = async (pkg, grams, mm) => {
    await page.locator(`.line[data-package="${pkg}"]`).click();
    await page.locator(`.line.hit[data-package="${pkg}"]`).waitFor();
    await page.getByRole('button', { name: 'Weight & size' }).click();
    await page.getByLabel('Weight in grams').fill(String(grams));
    for (const [i, d] of ['Length', 'Width', 'Height'].entries()) await page.getByLabel(`${d} in mm`).fill(String(mm[i]));
    if (pkg === 'P1') await shot(page, 'pack-size');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator(`.line[data-package="${pkg}"]`, { hasText: `${grams} g` }).waitFor();
  };
  await size('P1', 1450, [300, 200, 150]);
  await size('P2', 320, [250, 180, 40]);
  await shot(page, 'pack');
  assert.deepEqual(sent('PATCH', '/api/v1/allocations/A-77813/packages/P1')[0].body, { weight_g: 1450, dims_mm: [300, 200, 150] });
  let sfs = await allocation('A-77813');
  assert.equal(sfs.state, 'packing');
  assert.deepEqual(sfs.packages.map((p) => [p.package, p.units, p.weight_g, p.dims_mm]),
    [['P1', 2, 1450, [300, 200, 150]], ['P2', 1, 320, [250, 180, 40]]]);

  // Packing finished: labels are requested from the OMS.
  await page.getByRole('button', { name: 'Finish packing' }).click();
  await page.locator('.msg.pending', { hasText: 'Waiting for 2 labels from the OMS' }).waitFor();
  await shot(page, 'pack-labels-requested');
  sfs = await allocation('A-77813');
  assert.equal(sfs.state, 'packed');
  assert.deepEqual(sfs.packages.map((p) => p.label_state), ['requested', 'requested']);

  // P2 went out with a carrier's pre-printed label: its number is typed.
  await page.locator('.line[data-package="P2"]').getByRole('button', { name: 'Type the tracking number' }).click();
  assert.equal(await page.getByLabel('Carrier').inputValue(), 'DHL');
  await page.getByLabel('Tracking number').fill('JD014600009999');
  await shot(page, 'pack-type-tracking');
  await page.getByRole('button', { name: 'Save tracking' }).click();
  await page.locator('.line[data-package="P2"] .tracking', { hasText: 'DHL JD014600009999' }).waitFor();
  await page.locator('.msg.pending', { hasText: 'Waiting for the label from the OMS' }).waitFor();
  assert.deepEqual(sent('PUT', '/api/v1/allocations/A-77813/packages/P2/tracking')[0].body, { tracking: 'JD014600009999', carrier: 'DHL' });

  // The OMS's label for P1 arrives; the screen sees it on its own.
  const label = JSON.parse(fs.readFileSync(path.join(process.env.CONTRACT_EXAMPLES, 'down.label.created.json'), 'utf8'));
  store.publish([{ type: 'label.created', body: { ...label.body, allocation: 'A-77813', package: 'P1' } }]);
  await page.locator('.line[data-package="P1"][data-label="created"]', { hasText: label.body.tracking }).waitFor({ timeout: 10000 });
  await page.locator('.msg.ok', { hasText: 'Put each label on its package, then tap Ship.' }).waitFor();
  await shot(page, 'pack-labels-ready');
  await page.getByRole('button', { name: 'Ship' }).click();
  await page.locator('#flash.show.ok', { hasText: 'W1009914 shipped' }).waitFor();
  await page.locator('body[data-screen="home"]').waitFor();
  sfs = await allocation('A-77813');
  assert.equal(sfs.state, 'shipped');
  assert.deepEqual(sfs.lines.map((l) => l.handed), [2, 1]);
  assert.deepEqual(sfs.packages.map((p) => [p.package, p.label_state, p.carrier, p.tracking]),
    [['P1', 'created', 'DHL', label.body.tracking], ['P2', 'requested', 'DHL', 'JD014600009999']]);

  // 7. A blind count of A-03-2 finds 9 mugs where the books say otherwise: it waits for a lead.
  const books = await onHand('SKU-1001', 'A-03-2');
  await page.locator('.tile[data-screen="count"]').click();
  await scan('A-03-2');
  await page.locator('.counting .fetch .big', { hasText: 'A-03-2' }).waitFor();
  await scan(MUG);
  await scan(MUG);
  const mugRow = page.locator(`.line[data-code="${MUG}"]`);
  await until('two mugs', async () => (await mugRow.locator('.qty').innerText()) === '2');
  for (let i = 0; i < 7; i++) await mugRow.getByRole('button', { name: 'One more' }).click();
  await page.getByRole('button', { name: 'Submit count (9 items)' }).waitFor();
  await shot(page, 'count');
  await page.getByRole('button', { name: 'Submit count (9 items)' }).click();
  await page.getByText('Count of A-03-2 is waiting for a lead to approve it.').waitFor();
  const variance = 9 - books;
  assert.ok(variance > 5, `variance ${variance}`);
  assert.match(await page.locator('.line[data-sku="SKU-1001"]').innerText(), new RegExp(`9 counted[\\s\\S]*On the books ${books}[\\s\\S]*\\+${variance}`));
  await shot(page, 'count-result');
  assert.deepEqual(sent('POST', '/api/v1/counts')[0].body, { location: 'A-03-2', items: [{ code: MUG, qty: 9 }] });
  assert.equal(await onHand('SKU-1001', 'A-03-2'), books); // nothing posted yet
  await home();

  // 8. A lead signs in on the same handheld and approves it.
  store.ctl(['users', 'add', '--id', 'l1', '--name', 'Lee Lead', '--role', 'lead', '--badge', 'BADGE-L1'], '1357\n');
  assert.equal(await page.locator('.tile[data-screen="approvals"]').count(), 0);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await scan('BADGE-L1');
  for (const d of '1357') await page.locator('.keypad').getByRole('button', { name: d, exact: true }).click();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Signed in as Lee Lead').waitFor();
  await page.locator('.tile[data-screen="approvals"]').click();
  const waiting = page.locator('.card[data-count]');
  await waiting.waitFor();
  assert.match(await waiting.innerText(), new RegExp(`A-03-2[\\s\\S]*by a1[\\s\\S]*SKU-1001[\\s\\S]*${books} → 9[\\s\\S]*\\+${variance}`));
  await shot(page, 'approvals');
  await waiting.getByRole('button', { name: 'Approve' }).click();
  await page.locator('.msg.ok', { hasText: 'Count of A-03-2 approved' }).waitFor();
  await page.getByText('No counts are waiting.').waitFor();
  await shot(page, 'approved');
  assert.equal(await onHand('SKU-1001', 'A-03-2'), 9);
  const lead = await store.signIn('l1', '1357');
  const posted = (await store.get('/api/v1/counts?state=posted', lead)).items;
  assert.deepEqual(posted.map((c) => [c.location, c.state, c.counted_by, c.decided_by]), [['A-03-2', 'posted', 'a1', 'l1']]);
  await home();

  // 9. Looking the mug up by its EAN-13; an unknown code; a photo without a barcode; the mug
  // again from a photo of its barcode.
  await page.locator('.tile[data-screen="inventory"]').click();
  await scan('5901234123457');
  const card = page.locator('.screen.inventory .card');
  await card.waitFor();
  const stock = await get('/api/v1/inventory/SKU-1001');
  assert.deepEqual(await card.locator('.figures strong').allInnerTexts(),
    [stock.on_hand, stock.available, stock.reserved, stock.damaged].map(String)); // on hand, available, reserved, damaged
  assert.equal(stock.on_hand, 9);
  assert.match(await card.locator('.binrow[data-location="A-03-2"]').innerText(), /A-03-2\s*9 on hand/);
  await shot(page, 'inventory');
  await scan('NOPE-1');
  await flash('error');
  assert.match(await page.locator('.msg.error').innerText(), /NOPE-1/);
  await shot(page, 'inventory-unknown');
  await page.locator('input[type="file"]').setInputFiles({ name: 'blank.png', mimeType: 'image/png', buffer: BLANK_PNG });
  await page.locator('#flash.show.error', { hasText: 'No barcode found in the photo' }).waitFor();
  const photoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'storeedge-photo-'));
  try {
    await page.locator('input[type="file"]').setInputFiles({ name: 'mug.png', mimeType: 'image/png', buffer: barcodePhoto(photoDir) });
  } finally {
    fs.rmSync(photoDir, { recursive: true, force: true });
  }
  await page.locator('.screen.inventory .card .binrow[data-location="A-03-2"]').waitFor();
  assert.equal(await page.locator('.msg.error').count(), 0);
  await shot(page, 'inventory-from-photo');

  // Every change carried a key of its own.
  assert.ok(changes.every((c) => c.key), JSON.stringify(changes, null, 1));
  assert.equal(new Set(changes.map((c) => c.key)).size, changes.length, JSON.stringify(changes, null, 1));
  assert.deepEqual(page.errors, []);
});
