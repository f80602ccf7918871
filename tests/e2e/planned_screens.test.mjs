// The handheld app's screens for the routes being added to the daemon — item lookup with the
// camera fallback, put-back, expired orders, a cycle count, batch picking, packing and shipping —
// against those routes as specified, answered here by the test (Playwright's page.route), while
// the app itself, sign-in and the work queue come from the real storeedged. So this test checks
// the screens against the specification, whichever daemon runs; e2e_handheld checks the app
// against the daemon's real routes.
//
// Run by CTest (test e2e_planned_screens, label e2e). Exit 77 (skipped) only without Chromium.
import assert from 'node:assert/strict';
import { run, until, scan as scanInto, signedInPage } from './harness.mjs';

// A 1×1 PNG: what the camera hands over in this test.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const NO_ROUTE = { error: { code: 'not_found', message: 'no such resource' } };

await run('planned', async ({ store, browser, shot }) => {
  await store.open();
  const page = await signedInPage(browser, store);
  const scan = (code) => scanInto(page, code);
  const calls = []; // {method, path, body, key} of every request the test answered
  const answer = (pattern, reply) => page.route(pattern, async (route) => {
    const req = route.request();
    const url = new URL(req.url());
    const call = { method: req.method(), path: url.pathname + url.search, body: null, key: req.headers()['idempotency-key'] };
    if (req.headers()['content-type'] === 'application/json') call.body = JSON.parse(req.postData() || 'null');
    calls.push(call);
    const [status, body] = await reply(call);
    await route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
  });
  const last = (method, path) => calls.filter((c) => c.method === method && c.path === path).at(-1);
  const home = async () => {
    while (await page.locator('#back').isVisible()) await page.locator('#back').click();
    await page.locator('body[data-screen="home"]').waitFor();
  };

  await page.goto(`${store.base}/`);
  await page.getByText('Signed in as Alex Associate').waitFor();

  // Item lookup, and the camera: first a daemon without the decode route, then one with it.
  await answer('**/api/v1/inventory/*', ({ path }) => (path.endsWith('/SKU-1001')
    ? [200, { sku: 'SKU-1001', description: 'Blue mug', on_hand: 14, damaged: 1, reserved: 3, available: 11,
      locations: [{ location: 'A-03-2', on_hand: 12, damaged: 1, count_due: false }, { location: 'R-01-4', on_hand: 2, damaged: 0, count_due: true }] }]
    : [404, NO_ROUTE]));
  let decoder = false;
  await answer('**/api/v1/scans/decode', () => (decoder ? [200, { codes: [{ text: 'SKU-1001', format: 'Code128' }] }] : [404, NO_ROUTE]));
  await page.locator('.tile[data-screen="inventory"]').click();
  await scan('NOPE-1');
  await page.locator('.msg.warn', { hasText: 'Item lookup is not available on this store server yet' }).waitFor();
  await page.locator('input[type="file"]').setInputFiles({ name: 'code.png', mimeType: 'image/png', buffer: PNG });
  await page.locator('#flash.show.error', { hasText: 'Camera decoding is not available' }).waitFor();
  const decodeCall = last('POST', '/api/v1/scans/decode');
  assert.ok(decodeCall, 'the photo was not sent');
  decoder = true;
  await page.locator('input[type="file"]').setInputFiles({ name: 'code.png', mimeType: 'image/png', buffer: PNG });
  await page.locator('.figures', { hasText: 'Available' }).waitFor();
  assert.match(await page.locator('.card').innerText(), /Blue mug[\s\S]*11[\s\S]*A-03-2[\s\S]*R-01-4[\s\S]*count due/);
  await shot(page, 'inventory');
  await home();

  // Put back: scan the item, then its bin.
  let done = 0;
  await answer('**/api/v1/put-backs', () => [200, { items: [
    { id: 'PB-1', allocation: 'A-1', sku: 'SKU-1001', description: 'Blue mug', qty: 2, done, location: 'A-03-2', reason: 'partial handover' }] }]);
  await answer('**/api/v1/put-backs/PB-1/scans', () => [200, { id: 'PB-1', done: ++done, qty: 2 }]);
  await page.locator('.tile[data-screen="putbacks"]').click();
  await page.getByText('0 of 2 back').waitFor();
  await shot(page, 'putbacks');
  await page.getByText('0 of 2 back').click();
  await scan('05901234123457');
  await page.getByText('Now scan the bin you put it in (it belongs in A-03-2)').waitFor();
  await scan('A-03-2');
  await page.getByText('1 of 2 put back').waitFor();
  await shot(page, 'putback');
  const putCall = last('POST', '/api/v1/put-backs/PB-1/scans');
  assert.deepEqual(putCall.body, { code: '05901234123457', location: 'A-03-2' });
  assert.ok(putCall.key);
  await home();

  // Expired pickups: take it off the shelf, expire it.
  let expired = false;
  await answer('**/api/v1/expired', () => [200, { items: expired ? [] : [
    { id: 'A-55', order: 'W1000055', customer: 'Alan Turing', ready_at: '2026-11-10T10:00:00.000Z', staging_location: 'PICKUP-1', units: 2 }] }]);
  await answer('**/api/v1/allocations/A-55/expire', () => { expired = true; return [200, { allocation: { id: 'A-55', state: 'expired' } }]; });
  await page.locator('.tile[data-screen="expired"]').click();
  await page.getByText('W1000055').waitFor();
  await shot(page, 'expired');
  await page.getByRole('button', { name: /Expire it/ }).click();
  await page.getByText('No expired pickups.').waitFor();
  assert.ok(last('POST', '/api/v1/allocations/A-55/expire').key);
  await home();

  // A blind count: the bin, three mugs and a towel scanned then taken off again, submitted once.
  await answer('**/api/v1/counts', ({ body }) => [200, {
    count: 'C-9', location: body.location, state: 'awaiting_approval',
    lines: [{ sku: 'SKU-1001', expected: 5, counted: 3, variance: -2 }] }]);
  await page.locator('.tile[data-screen="count"]').click();
  await scan('B-01-1');
  await page.getByText('Counting B-01-1').waitFor();
  for (const code of ['SKU-1001', 'SKU-1001', 'SKU-3003', 'SKU-1001']) await scan(code);
  await until('four units', async () => (await page.getByRole('button', { name: /Submit count/ }).innerText()) === 'Submit count (4 items)');
  await page.locator('.line[data-code="SKU-3003"]').getByRole('button', { name: 'One less' }).click();
  await shot(page, 'count');
  await page.getByRole('button', { name: 'Submit count (3 items)' }).click();
  await page.getByText('waiting for a lead to approve it').waitFor();
  await shot(page, 'count-result');
  const countCall = last('POST', '/api/v1/counts');
  assert.deepEqual(countCall.body, { location: 'B-01-1', items: [{ code: 'SKU-1001', qty: 3 }] });
  assert.ok(countCall.key);
  await home();

  // Batch picking over the real queue's two new orders.
  const batch = {
    id: 'B-7', state: 'picking',
    slots: [{ slot: 1, allocation: 'A-77812', order: 'W1009913' }, { slot: 2, allocation: 'A-77813', order: 'W1009914' }],
    stops: [
      { location: 'A-03-2', sku: 'SKU-1001', description: 'Blue mug', to_pick: 3, slots: [{ slot: 1, allocation: 'A-77812', line: '1', to_pick: 2 }, { slot: 2, allocation: 'A-77813', line: '1', to_pick: 1 }] },
      { location: 'C-11-1', sku: 'SKU-3003', description: 'Tea towel', to_pick: 1, slots: [{ slot: 1, allocation: 'A-77812', line: '2', to_pick: 1 }] },
    ],
  };
  await answer('**/api/v1/batches', ({ body }) => [200, { ...batch, allocations: body.allocations }]);
  await answer('**/api/v1/batches/B-7', () => [200, batch]);
  await answer('**/api/v1/batches/B-7/picks', () => {
    batch.stops[0].to_pick -= 1;
    return [200, { slot: 2, allocation: 'A-77813', pick: { pick_id: 41, line: '1', sku: 'SKU-1001', qty: 1 } }];
  });
  await page.locator('.tile[data-screen="batch"]').click();
  await page.getByLabel('Batch W1009913').check();
  await page.getByLabel('Batch W1009914').check();
  await shot(page, 'batch-choose');
  await page.getByRole('button', { name: 'Start batch of 2' }).click();
  await page.locator('.stop', { hasText: 'A-03-2' }).waitFor();
  assert.deepEqual(last('POST', '/api/v1/batches').body, { allocations: ['A-77812', 'A-77813'] });
  await scan('05901234123457');
  await page.locator('.slot strong', { hasText: '2' }).waitFor();
  await page.locator('.stop', { hasText: 'Pick 2' }).waitFor();
  await shot(page, 'batch-slot');
  await home();

  // Packing and shipping A-77813 (the queue is told it is picked).
  const sfs = {
    id: 'A-77813', order: 'W1009914', kind: 'ship_from_store', state: 'picked', priority: 0, customer_name: 'Ada Byron',
    lines: [{ line: '1', sku: 'SKU-1001', description: 'Blue mug', qty: 2 }, { line: '2', sku: 'SKU-3003', description: 'Tea towel', qty: 1 }],
    packages: [],
  };
  await page.route('**/api/v1/work?*', async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    for (const w of body.work) if (w.id === 'A-77813') Object.assign(w, { state: 'picked', units_picked: 3 });
    await route.fulfill({ response: res, json: body });
  });
  await answer('**/api/v1/allocations/A-77813', () => [200, { allocation: sfs }]);
  await answer('**/api/v1/allocations/A-77813/packages', () => {
    sfs.packages.push({ package: `P${sfs.packages.length + 1}`, weight_g: null, dims_mm: null, lines: [], label_state: 'none', label_error: null, carrier: null, tracking: null });
    return [200, { package: sfs.packages.at(-1).package }];
  });
  await answer('**/api/v1/allocations/A-77813/packages/P1/items', ({ body }) => {
    const sku = body.code === 'SKU-3003' || body.code === '00012345678905' ? 'SKU-3003' : 'SKU-1001';
    const p = sfs.packages[0];
    const l = p.lines.find((x) => x.sku === sku);
    if (l) l.qty += 1; else p.lines.push({ line: sku === 'SKU-1001' ? '1' : '2', sku, qty: 1 });
    return [200, { package: 'P1' }];
  });
  await answer('**/api/v1/allocations/A-77813/packages/P1', ({ body }) => { Object.assign(sfs.packages[0], body); return [200, { package: 'P1' }]; });
  await answer('**/api/v1/allocations/A-77813/pack', () => {
    sfs.state = 'packed';
    Object.assign(sfs.packages[0], { label_state: 'failed', label_error: 'the carrier did not answer' });
    return [200, { allocation: { id: 'A-77813', state: 'packed' } }];
  });
  await answer('**/api/v1/allocations/A-77813/packages/P1/tracking', ({ body }) => {
    Object.assign(sfs.packages[0], body, { label_state: 'none', label_error: null });
    return [200, { package: 'P1' }];
  });
  await answer('**/api/v1/allocations/A-77813/ship', () => { sfs.state = 'shipped'; return [200, { allocation: { id: 'A-77813', state: 'shipped' } }]; });

  await page.locator('.tile[data-screen="queue"]').click();
  await page.locator('.card[data-id="A-77813"][data-state="picked"]').click();
  await page.getByText('Start a package, then scan each item into it.').waitFor();
  await page.getByRole('button', { name: 'New package' }).click();
  await page.locator('.line[data-package="P1"]').waitFor();
  for (const code of ['05901234123457', '05901234123457', '00012345678905']) {
    const before = calls.length;
    await scan(code);
    await until('the item to be packed', async () => calls.length > before + 1);
  }
  await page.getByText('3 of 3 units packed').waitFor();
  await page.getByRole('button', { name: 'Weight & size' }).click();
  await page.getByLabel('Weight in grams').fill('1450');
  await page.getByLabel('Length in mm').fill('300');
  await page.getByLabel('Width in mm').fill('200');
  await page.getByLabel('Height in mm').fill('150');
  await shot(page, 'pack-size');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText('1450 g').waitFor();
  assert.deepEqual(last('PATCH', '/api/v1/allocations/A-77813/packages/P1').body, { weight_g: 1450, dims_mm: [300, 200, 150] });
  await shot(page, 'pack');
  await page.getByRole('button', { name: 'Finish packing' }).click();
  await page.getByText('the carrier did not answer').waitFor();
  await shot(page, 'pack-label-failed');
  await page.getByRole('button', { name: 'Type the tracking number' }).click();
  await page.getByLabel('Carrier').fill('DHL');
  await page.getByLabel('Tracking number').fill('JD014600003828');
  await page.getByRole('button', { name: 'Save tracking' }).click();
  await page.getByText('DHL JD014600003828').waitFor();
  assert.deepEqual(last('PUT', '/api/v1/allocations/A-77813/packages/P1/tracking').body, { carrier: 'DHL', tracking: 'JD014600003828' });
  await page.getByRole('button', { name: 'Ship' }).click();
  await page.locator('.tile.main .count', { hasText: 'to pick' }).waitFor(); // home, its figures loaded
  assert.ok(last('POST', '/api/v1/allocations/A-77813/ship').key);

  // Every change carried its own key.
  const changes = calls.filter((c) => c.method !== 'GET' && c.path !== '/api/v1/scans/decode');
  assert.equal(new Set(changes.map((c) => c.key)).size, changes.length, JSON.stringify(changes, null, 1));
  assert.deepEqual(page.errors, []);
});
