// The agreement suite of the JS decoder and the wasm decoder (agree.mjs) in Debian's Chromium
// (headless, playwright-core): the built package (js-package/dist) on a page the test fulfils
// itself, no server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = resolve(here, '..');
const origin = 'http://decoder.test';
const mime = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
const pageHtml = `<!doctype html><meta charset="utf-8"><title>decoder agreement</title>
<script type="module">
  import { load, ValueError } from '/dist/index.js';
  import { AvroType as WasmAvroType } from '/dist/wasm/affinity_wasm.js';
  import { compileDecoder } from '/dist/avro.js';
  import { runAgreement } from '/test/agree.mjs';
  window.agreement = async () => { await load(); return runAgreement({ WasmAvroType, compileDecoder, ValueError }); };
  window.ready = true;
</script>`;

const cspScript = `
  import { load, AvroType } from '/dist/index.js';
  import { compileDecoder } from '/dist/avro.js';
  await load();
  const schema = JSON.stringify({ type: 'record', name: 'Csp', fields: [
    { name: 'n', type: 'long' }, { name: 'u', type: ['int', 'string'] }, { name: 'b', type: 'bytes' }] });
  const t = new AvroType(schema);
  const value = t.fromBuffer(t.toBuffer({ n: 2n ** 60n, u: { string: 'é' }, b: new Uint8Array([1, 2]) }));
  let refused = null;
  try { t.fromBuffer(new Uint8Array([1])); } catch (e) { refused = e.code; }
  window.csp = {
    compiled: compileDecoder(t.canonicalForm) !== null,
    n: String(value.n), bigint: typeof value.n === 'bigint', u: value.u, b: [...value.b], refused,
  };
`;

let browser; let context; let page;
const pageErrors = [];

before(async () => {
  if (!existsSync(join(pkg, 'dist/avro.js'))) throw new Error('js-package/dist is missing: run dev/build-js');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
    timeout: 30000,
  });
  context = await browser.newContext();
  page = await context.newPage();
  page.setDefaultTimeout(60000);
  page.on('pageerror', (e) => pageErrors.push(e));
  await context.route(`${origin}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/') return route.fulfill({ contentType: 'text/html', body: pageHtml });
    // A page whose Content-Security-Policy forbids eval (wasm allowed): no inline script either.
    if (path === '/csp/') {
      return route.fulfill({
        contentType: 'text/html',
        headers: { 'content-security-policy': "script-src 'self' 'wasm-unsafe-eval'" },
        body: '<!doctype html><meta charset="utf-8"><title>csp</title><script type="module" src="/csp.js"></script>',
      });
    }
    if (path === '/csp.js') return route.fulfill({ contentType: 'text/javascript', body: cspScript });
    const file = resolve(pkg, `.${path}`);
    const allowed = (path.startsWith('/dist/') || path === '/test/agree.mjs') && file.startsWith(pkg);
    if (!allowed || !existsSync(file)) return route.fulfill({ status: 404 });
    return route.fulfill({ contentType: mime[extname(file)] ?? 'application/octet-stream', body: readFileSync(file) });
  });
});

after(async () => {
  await browser?.close();
});

test('in Chromium, the JS decoder and the wasm decoder agree on every shape, malformed input and corruption', async () => {
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => window.ready === true).catch((e) => {
    throw new Error(`page not ready: ${e.message}; errors: ${pageErrors.map(String)}`);
  });
  const { counts, failures } = await page.evaluate(() => window.agreement());
  assert.deepEqual(failures, []);
  assert.ok(counts.values > 90 && counts.malformed > 30 && counts.truncated > 1000, JSON.stringify(counts));
  assert.ok(counts.corruptedAccepted > 100 && counts.corrupted - counts.corruptedAccepted > 100, JSON.stringify(counts));
  assert.deepEqual(pageErrors.map(String), []);
});

test('on a page whose Content-Security-Policy forbids eval, values are decoded in wasm, the same', async () => {
  const errors = [];
  const csp = await context.newPage();
  csp.on('pageerror', (e) => errors.push(e));
  try {
    await csp.goto(`${origin}/csp/`);
    await csp.waitForFunction(() => window.csp !== undefined, null, { timeout: 30000 }).catch((e) => {
      throw new Error(`the CSP page did not finish: ${e.message}; errors: ${errors.map(String)}`);
    });
    const got = await csp.evaluate(() => window.csp);
    assert.deepEqual(got, {
      compiled: false, n: String(2n ** 60n), bigint: true, u: { string: 'é' }, b: [1, 2], refused: 'bad-bytes',
    });
    assert.deepEqual(errors.map(String), []);
  } finally {
    await csp.close();
  }
});
