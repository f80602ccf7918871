// A fixed scanner at a pack station, end to end: a serial scanner (a pseudo-terminal) bound to
// station pack-station-2 in storeedged's configuration, and the pack station's browser enrolled
// at that station. What the scanner reads arrives in the app's current scan field over the live
// scan stream — an item lookup, then a code with a bad check digit, which the app refuses with
// the reason — without anyone typing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, until, signedInPage } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

function serialScanner() {
  const child = spawn('python3', [path.join(here, 'pty_scanner.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.stdout.once('data', (d) => resolve({ path: String(d).trim(), send: (s) => child.stdin.write(s), unplug: () => child.stdin.end() }));
  });
}

await run('station', async ({ store, browser, shot }) => {
  const scanner = await serialScanner();
  store.config = `[[devices.scanner]]\nname = "pack2-scanner"\nstation = "pack-station-2"\n`
    + `transport = "serial"\npath = "${scanner.path}"\nframing = "cr"\n`;
  await store.open();
  const enrolled = store.ctl(['devices', 'enrol', '--id', 'pack2', '--kind', 'pack_station',
    '--name', 'Pack station 2', '--station', 'pack-station-2']);
  store.token = /dev_[A-Za-z0-9_-]{43}/.exec(enrolled)[0]; // the browser is the pack station's
  const page = await signedInPage(browser, store);
  await page.goto(store.base + '/');
  await page.locator('.tile[data-screen="inventory"]').click();
  await until('the station stream to be open', () => page.evaluate(() => document.body.dataset.station === 'on'));

  // The mug's EAN-13 as a serial scanner sends it: AIM identifier, data, CR.
  scanner.send(']E05901234123457\r');
  const card = page.locator('.screen.inventory .card');
  await card.filter({ hasText: 'SKU-1001' }).waitFor();
  await shot(page, 'station-scan');

  scanner.send(']E05901234123458\r');
  await page.locator('#flash.show.error', { hasText: 'cannot use' }).waitFor();

  const listed = store.ctl(['devices']);
  assert.match(listed, /pack2-scanner\tscanner\/serial\tpack-station-2\tenabled\t.*scan \]E0 5901234123458 \(bad_check_digit\) to pack-station-2/);
  scanner.unplug();
  await until('the scanner to be listed as removed', async () => /pack2-scanner\tscanner\/serial\tpack-station-2\tremoved/.test(store.ctl(['devices'])));
  assert.deepEqual(page.errors, []);
});
