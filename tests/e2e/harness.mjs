// What the browser tests share: a store (mosquitto and the real storeedged on free ports in a temp
// dir, an associate and a handheld provisioned with storeedgectl, the OMS played by
// storeedge-e2e-oms), a raw port-9100 printer, headless Chromium at the handheld's size,
// screenshots, and running a test body with its clean-up and a closing line CTest and CI can read.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const need = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run through ctest)`);
  return v;
};

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function until(what, check, ms = 10000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

const accepts = (port) => new Promise((resolve) => {
  const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
  s.on('error', () => resolve(false));
});

const running = (c) => c.exitCode === null && c.signalCode === null;

export class Store {
  constructor(dir) {
    this.dir = dir;
    this.children = [];
    this.sent = 0; // down message files written
  }

  start(name, argv) {
    const log = fs.openSync(path.join(this.dir, `${name}.log`), 'w');
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', log, log] });
    this.children.push(child);
    return child;
  }

  log(name) {
    try { return fs.readFileSync(path.join(this.dir, `${name}.log`), 'utf8'); } catch { return ''; }
  }

  ctl(args, input = '') {
    const r = spawnSync(need('STOREEDGECTL'), ['--state-dir', path.join(this.dir, 'state'), '--store', 'S042', ...args],
      { input, encoding: 'utf8' });
    assert.equal(r.status, 0, `storeedgectl ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  // mosquitto, storeedged as store S042 of tenant demo, associate a1 (badge BADGE-A1, PIN 2468),
  // handheld hh1, and the OMS's example snapshot plus `extra` down messages: {type, body} or, with
  // no type, the body of an allocation.created.
  async open(extra = []) {
    const brokerPort = await freePort();
    this.broker = `tcp://127.0.0.1:${brokerPort}`;
    fs.writeFileSync(path.join(this.dir, 'mosquitto.conf'),
      `listener ${brokerPort} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 1000000\n`);
    this.start('mosquitto', ['/usr/sbin/mosquitto', '-c', path.join(this.dir, 'mosquitto.conf')]);
    await until('mosquitto', () => accepts(brokerPort));

    const port = await freePort();
    this.base = `http://127.0.0.1:${port}`;
    const config = [];
    if (this.config) { // the test's own storeedged.toml (e.g. scanners bound to stations)
      fs.writeFileSync(path.join(this.dir, 'storeedged.toml'), this.config);
      config.push('--config', path.join(this.dir, 'storeedged.toml'));
    }
    this.start('storeedged', [need('STOREEDGED'), ...config, '--state-dir', path.join(this.dir, 'state'),
      '--http-listen', `127.0.0.1:${port}`, '--store', 'S042', '--mqtt-uri', `tcp://127.0.0.1:${brokerPort}`]);
    await until('storeedged /readyz', async () => (await fetch(`${this.base}/readyz`)).ok);

    this.ctl(['users', 'add', '--id', 'a1', '--name', 'Alex Associate', '--role', 'associate', '--badge', 'BADGE-A1'], '2468\n');
    const enrolled = this.ctl(['devices', 'enrol', '--id', 'hh1', '--kind', 'handheld', '--name', 'Handheld 1']);
    this.token = /dev_[A-Za-z0-9_-]{43}/.exec(enrolled)?.[0];
    assert.ok(this.token, `no device token in: ${enrolled}`);

    this.seq = 0; // the last down seq the OMS sent
    this.publish(extra);
    this.session = await this.signIn();
  }

  // The OMS sends down messages (after the snapshot the first time) and waits for the store's ack.
  publish(messages) {
    const examples = need('CONTRACT_EXAMPLES');
    const template = JSON.parse(fs.readFileSync(path.join(examples, 'down.allocation.created.json'), 'utf8'));
    const files = messages.map((m) => {
      const file = path.join(this.dir, `down-${++this.sent}.json`);
      const message = m.type
        ? { v: 1, id: `msg-e2e-${this.sent}`, at: new Date().toISOString(), ...m }
        : { ...template, id: `msg-e2e-${this.sent}`, body: { ...template.body, ...m } };
      fs.writeFileSync(file, JSON.stringify(message));
      return file;
    });
    const oms = spawnSync(need('E2E_OMS'), ['--broker', this.broker, '--tenant', 'demo', '--store', 'S042',
      '--examples', examples, ...(this.seq ? ['--resume', String(this.seq)] : []), ...files], { encoding: 'utf8', timeout: 60000 });
    assert.equal(oms.status, 0, `storeedge-e2e-oms: ${oms.stdout}${oms.stderr}\n${this.log('storeedged')}`);
    const through = /applied through seq (\d+)/.exec(oms.stdout);
    assert.ok(through, oms.stdout);
    this.seq = Number(through[1]);
  }

  // A session on the handheld hh1, or on the device whose token is given.
  async signIn(user = 'a1', pin = '2468', token = this.token) {
    const r = await fetch(`${this.base}/api/v1/sessions`, {
      method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ user, pin }),
    });
    assert.equal(r.status, 201);
    return r.json();
  }

  // GET through the API as the test sees it (its own session on the same device, or `session`).
  async get(p, session = this.session) {
    const r = await fetch(this.base + p, {
      headers: { Authorization: `Bearer ${this.token}`, 'StoreEdge-Session': session.session },
    });
    assert.equal(r.status, 200, `GET ${p}: ${r.status}`);
    return r.json();
  }

  // Stops the daemon and the broker the way an operator would, then for good.
  async stop() {
    for (const c of [...this.children].reverse()) if (running(c)) c.kill('SIGTERM');
    const deadline = Date.now() + 5000;
    while (this.children.some(running) && Date.now() < deadline) await sleep(50);
    for (const c of this.children) if (running(c)) c.kill('SIGKILL');
  }
}

// A raw 9100 printer: it reads a connection until the sender half-closes, keeps the bytes as one
// document and closes. A connection without bytes (the queue asking whether it can take a job)
// is no document.
export class RawPrinter {
  constructor() {
    this.documents = [];
    this.sockets = new Set();
    this.port = 0;
  }

  listen() {
    this.server = net.createServer((socket) => {
      this.sockets.add(socket);
      const chunks = [];
      socket.on('data', (d) => chunks.push(d));
      socket.on('end', () => {
        const document = Buffer.concat(chunks);
        if (document.length) this.documents.push(document.toString('latin1'));
        socket.end();
      });
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {});
    });
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => { this.port = this.server.address().port; resolve(); });
    });
  }

  // Unplugged: nothing listens on the port any more.
  stop() {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export const HANDHELD = { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true };

// Runs `body({store, browser, shot})` and exits: 0 with "1 passed, 0 failed", 1 with the error,
// the daemon's log and a screenshot of the last page, 77 when there is no Chromium.
export async function run(name, body) {
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`SKIP: no Chromium at ${CHROMIUM} (scripts/setup.sh installs it)`);
    process.exit(77);
  }
  const { chromium } = await import('playwright-core');
  const shots = path.join(need('E2E_ARTIFACTS'), 'screenshots', name);
  fs.rmSync(shots, { recursive: true, force: true });
  fs.mkdirSync(shots, { recursive: true });
  const store = new Store(fs.mkdtempSync(path.join(os.tmpdir(), `storeedge-${name}-`)));
  process.on('exit', () => { for (const c of store.children) if (running(c)) c.kill('SIGKILL'); });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

  let step = 0;
  // A screenshot once the flash has faded, or with the flash (withFlash).
  const shot = async (page, what, { withFlash = false } = {}) => {
    step += 1;
    if (!withFlash) await page.locator('#flash.show').waitFor({ state: 'detached', timeout: 5000 });
    await page.screenshot({ path: path.join(shots, `${String(step).padStart(2, '0')}-${what}.png`) });
  };
  let browser;
  let code = 0;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true, // and a fresh profile directory of playwright's own
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    await body({ store, browser, shot });
    console.log(`${name}: screenshots in ${shots}`);
    console.log('1 passed, 0 failed');
    fs.rmSync(store.dir, { recursive: true, force: true });
  } catch (e) {
    console.error(e);
    const open = browser?.contexts().flatMap((c) => c.pages()) ?? [];
    if (open.length) await open[open.length - 1].screenshot({ path: path.join(shots, 'failure.png') }).catch(() => {});
    for (const p of open) if (p.errors?.length) console.error(`---- page errors ----\n${p.errors.join('\n')}`);
    console.error(`---- storeedged log ----\n${store.log('storeedged').slice(-4000)}`);
    console.error(`state kept in ${store.dir}`);
    console.log('0 passed, 1 failed');
    code = 1;
  } finally {
    // Routes still answering a request would throw once the browser is gone.
    for (const p of browser?.contexts().flatMap((c) => c.pages()) ?? []) await p.unrouteAll({ behavior: 'ignoreErrors' }).catch(() => {});
    await browser?.close().catch(() => {});
    await store.stop();
  }
  process.exit(code);
}

// A page signed in as a1 on handheld hh1 (or as `user` on the device of `token`), the way the app
// keeps them.
export async function signedInPage(browser, store, { user = 'a1', pin = '2468', token = store.token } = {}) {
  const ctx = await browser.newContext(HANDHELD);
  const s = await store.signIn(user, pin, token);
  await ctx.addInitScript(([token, session]) => {
    if (!localStorage.getItem('storeedge.device')) {
      localStorage.setItem('storeedge.device', token);
      localStorage.setItem('storeedge.session', JSON.stringify(session));
    }
  }, [token, { session: s.session, expires_at: s.expires_at, user: s.user, device_kind: s.device_kind }]);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(m.text())) errors.push(m.text()); });
  page.errors = errors;
  return page;
}

// Types like a keyboard-wedge scanner into the focused scan field.
export async function scan(page, code) {
  await until('the scan field to have the focus',
    () => page.evaluate(() => document.activeElement?.classList.contains('scan')), 5000);
  await page.keyboard.type(`${code}\n`, { delay: 5 });
}
