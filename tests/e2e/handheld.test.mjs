// End to end: an associate works a BOPIS order on the handheld app in headless Chromium, against
// the real storeedged synced over a real mosquitto with a Paho program playing the OMS — set-up by
// link, badge sign-in, the queue, picking by wedge-scanner keystrokes (a wrong item, a Wi-Fi
// blip that loses an answer, an undo), staging, the pickup search, a wrong and a right pickup
// code, a curbside arrival, and a session ended elsewhere. The daemon's state is checked through
// the API. Screenshots of every screen go to $E2E_ARTIFACTS/screenshots.
//
// Run by CTest (test e2e_handheld, label e2e). Exit 77 (skipped) only when Chromium is missing.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
if (!fs.existsSync(CHROMIUM)) {
  console.log(`SKIP: no Chromium at ${CHROMIUM} (scripts/setup.sh installs it)`);
  process.exit(77);
}
const { chromium } = await import('playwright-core');

const need = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run through ctest)`);
  return v;
};
const STOREEDGED = need('STOREEDGED');
const STOREEDGECTL = need('STOREEDGECTL');
const E2E_OMS = need('E2E_OMS');
const EXAMPLES = need('CONTRACT_EXAMPLES');
const SHOTS = path.join(need('E2E_ARTIFACTS'), 'screenshots');
fs.rmSync(SHOTS, { recursive: true, force: true });
fs.mkdirSync(SHOTS, { recursive: true });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'storeedge-e2e-'));
const children = [];
let failed = true;

const running = (c) => c.exitCode === null && c.signalCode === null;
function cleanUp() {
  for (const c of children) if (running(c)) c.kill('SIGKILL');
  if (!failed) fs.rmSync(dir, { recursive: true, force: true });
}
process.on('exit', cleanUp);
// Stops the daemon and the broker the way an operator would, then for good.
async function stopAll() {
  for (const c of [...children].reverse()) if (running(c)) c.kill('SIGTERM');
  const deadline = Date.now() + 5000;
  while (children.some(running) && Date.now() < deadline) await sleep(50);
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

function start(name, argv) {
  const log = fs.openSync(path.join(dir, `${name}.log`), 'w');
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', log, log] });
  children.push(child);
  return child;
}
const logOf = (name) => { try { return fs.readFileSync(path.join(dir, `${name}.log`), 'utf8'); } catch { return ''; } };

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(what, check, ms = 10000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}
const accepts = (port) => new Promise((resolve) => {
  const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
  s.on('error', () => resolve(false));
});

function ctl(args, input = '') {
  const r = spawnSync(STOREEDGECTL, ['--state-dir', path.join(dir, 'state'), '--store', 'S042', ...args], { input, encoding: 'utf8' });
  assert.equal(r.status, 0, `storeedgectl ${args.join(' ')}: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

let step = 0;
// A screenshot of the screen once the flash has faded, or with the flash (withFlash).
async function shot(page, name, { withFlash = false } = {}) {
  step += 1;
  if (!withFlash) await page.locator('#flash.show').waitFor({ state: 'detached', timeout: 5000 });
  await page.screenshot({ path: path.join(SHOTS, `${String(step).padStart(2, '0')}-${name}.png`) });
}

let browser;
try {
  // The store: mosquitto, storeedged as store S042, an associate, a manager and a handheld.
  const brokerPort = await freePort();
  fs.writeFileSync(path.join(dir, 'mosquitto.conf'),
    `listener ${brokerPort} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 1000000\n`);
  start('mosquitto', ['/usr/sbin/mosquitto', '-c', path.join(dir, 'mosquitto.conf')]);
  await until('mosquitto', () => accepts(brokerPort));

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  start('storeedged', [STOREEDGED, '--state-dir', path.join(dir, 'state'), '--http-listen', `127.0.0.1:${port}`,
    '--store', 'S042', '--mqtt-uri', `tcp://127.0.0.1:${brokerPort}`]);
  await until('storeedged /readyz', async () => (await fetch(`${base}/readyz`)).ok);

  ctl(['users', 'add', '--id', 'a1', '--name', 'Alex Associate', '--role', 'associate', '--badge', 'BADGE-A1'], '2468\n');
  const enrolled = ctl(['devices', 'enrol', '--id', 'hh1', '--kind', 'handheld', '--name', 'Handheld 1']);
  const token = /dev_[A-Za-z0-9_-]{43}/.exec(enrolled)?.[0];
  assert.ok(token, `no device token in: ${enrolled}`);

  // The OMS: the contract's snapshot (A-77812 BOPIS, A-77813 ship-from-store) and a curbside
  // order due in 45 minutes.
  const curbside = JSON.parse(fs.readFileSync(path.join(EXAMPLES, 'down.allocation.created.json'), 'utf8'));
  Object.assign(curbside, { id: 'msg-e2e-curbside-1' });
  Object.assign(curbside.body, {
    allocation: 'A-90001', order: 'W2000001', kind: 'curbside', priority: 2,
    promised_by: new Date(Date.now() + 45 * 60000).toISOString(),
    customer: { name: 'Grace Hopper', pickup_code: '771204', email_hash: '1b4f0e9851971998', phone_last4: '5678' },
    lines: [{ line: '1', sku: 'SKU-3003', gtins: ['00012345678905'], description: 'Tea towel', qty: 2, unit_price: 599, currency: 'EUR' }],
  });
  fs.writeFileSync(path.join(dir, 'curbside.json'), JSON.stringify(curbside));
  const oms = spawnSync(E2E_OMS, ['--broker', `tcp://127.0.0.1:${brokerPort}`, '--tenant', 'demo', '--store', 'S042',
    '--examples', EXAMPLES, path.join(dir, 'curbside.json')], { encoding: 'utf8', timeout: 60000 });
  assert.equal(oms.status, 0, `storeedge-e2e-oms: ${oms.stdout}${oms.stderr}\n${logOf('storeedged')}`);

  // The API as the test sees it, with its own session on the same device.
  const signIn = await fetch(`${base}/api/v1/sessions`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ user: 'a1', pin: '2468' }),
  });
  assert.equal(signIn.status, 201);
  const testSession = (await signIn.json()).session;
  const get = async (p) => {
    const r = await fetch(base + p, { headers: { Authorization: `Bearer ${token}`, 'StoreEdge-Session': testSession } });
    assert.equal(r.status, 200, `GET ${p}: ${r.status}`);
    return r.json();
  };
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

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const handheld = { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true };

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
  const scan = async (code) => {
    await until('the scan field to have the focus', () => page.evaluate(() => document.activeElement?.classList.contains('scan')), 5000);
    await page.keyboard.type(`${code}\n`, { delay: 5 });
  };
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
  await page.route('**/api/v1/allocations/A-77812/picks', async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    if (blipped) return route.continue();
    blipped = true;
    await route.fetch(); // the daemon applies it...
    await route.abort('internetdisconnected'); // ...and the handheld never hears back
  });
  const replayed = page.waitForResponse((r) => r.url().endsWith('/A-77812/picks') && r.request().method() === 'POST');
  await scan('05901234123457');
  await page.locator('#net', { hasText: 'retrying' }).waitFor({ timeout: 5000 });
  await shot(page, 'pick-retrying', { withFlash: true });
  const answer = await replayed;
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

  // 9. The session ends elsewhere (a manager signs the associate out): the next call goes back
  // to sign-in.
  const appSession = await page.evaluate(() => JSON.parse(localStorage.getItem('storeedge.session')).session);
  const ended = await fetch(`${base}/api/v1/sessions/current`, {
    method: 'DELETE', headers: { Authorization: `Bearer ${token}`, 'StoreEdge-Session': appSession },
  });
  assert.equal(ended.status, 200);
  await page.getByRole('button', { name: '‹ Back' }).click();
  await page.locator('body[data-screen="pickup"]').waitFor();
  await scan('482913');
  await page.locator('.msg.warn', { hasText: 'Please sign in again' }).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('storeedge.session')), null);
  await shot(page, 'signed-out');

  assert.deepEqual(consoleErrors.filter((e) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(e)), []);
  failed = false;
  console.log(`e2e_handheld: passed; screenshots in ${SHOTS}`);
  console.log('1 passed, 0 failed');
} catch (e) {
  console.error(e);
  const open = browser?.contexts().flatMap((c) => c.pages()) ?? [];
  if (open.length) await open[open.length - 1].screenshot({ path: path.join(SHOTS, 'failure.png') }).catch(() => {});
  console.error(`---- storeedged log ----\n${logOf('storeedged').slice(-4000)}`);
  console.error(`state kept in ${dir}`);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
} finally {
  await browser?.close().catch(() => {});
  await stopAll();
  process.exit(process.exitCode ?? 0);
}
