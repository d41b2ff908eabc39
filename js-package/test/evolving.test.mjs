// A type evolved between writes, end to end in Debian's Chromium (headless, playwright-core):
// the test node `evolving-node` (crate affinity-e2e) serves state `profiles` with version 1 of
// `Profile`; a page subscribes to a key and sees the version-1 value; the node restarts on the
// same data with version 2 (`visits` widened from int to long, `plan` added with a default) and
// writes an evolved value; the page receives the new shape, decoded with the new writer schema
// the client fetched by id.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { join, dirname, resolve, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { freePort, until, http } from './node-server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(here, '../dist');

function binary() {
  const bin = process.env.AFFINITY_EVOLVING_BIN
    ?? join(process.env.CARGO_TARGET_DIR ?? join(homedir(), '.cache/affinity/target'), 'debug/evolving-node');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run cargo build -p affinity-e2e --bin evolving-node (or set AFFINITY_EVOLVING_BIN)`);
  return bin;
}

/** Starts `evolving-node --version <version>`; resolves once /health answers. */
async function startEvolving(version, port, dataDir) {
  const child = spawn(binary(), ['--version', String(version), '--listen', `127.0.0.1:${port}`, '--data', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' },
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((r) => child.on('exit', r));
  const base = `http://127.0.0.1:${port}`;
  try {
    await until('the node to answer /health', async () => {
      if (child.exitCode !== null) throw new Error(`the node exited (${child.exitCode})`);
      return (await fetch(`${base}/health`)).ok;
    }, 30000);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${e.message}\n${output}`);
  }
  return {
    base,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// The page, served (by the test, on the node's own origin) at /t/: the built package at /t/dist/.
const pageHtml = `<!doctype html><meta charset="utf-8"><title>evolving</title>
<script type="module">
  import { connect } from '/t/dist/index.js';
  window.seen = [];
  const client = await connect('ws://' + location.host + '/live', { reconnectMinMs: 100, reconnectMaxMs: 1000 });
  client.subscribe('evolve', 'profiles', 7,
    (value, info) => window.seen.push({ value, schemaId: info.schemaId ?? null, deleted: info.deleted }),
    (e) => window.seen.push({ error: String(e) }));
  window.ready = true;
</script>`;
const mime = { '.js': 'text/javascript', '.wasm': 'application/wasm' };

let dataDir; let port; let node; let browser; let page;
const pageErrors = [];

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'affinity-evolving-test-'));
  port = await freePort();
  node = await startEvolving(1, port, dataDir);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
      // The page is fulfilled by the test (page.route) rather than by a server, so Chromium gives
      // it no address space and would refuse its WebSocket to the loopback node as a public page
      // reaching a local one.
      '--disable-features=LocalNetworkAccessChecks'],
    timeout: 30000,
  });
  page = await browser.newPage();
  page.setDefaultTimeout(15000);
  page.on('pageerror', (e) => pageErrors.push(e));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/ERR_CONNECTION_REFUSED|status of 404/.test(m.text())) pageErrors.push(new Error(m.text()));
  });
  await page.route(`http://127.0.0.1:${port}/t/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/t/' || path === '/t/index.html') return route.fulfill({ contentType: 'text/html', body: pageHtml });
    const file = resolve(dist, `.${path.slice('/t/dist'.length)}`);
    if (!path.startsWith('/t/dist/') || !file.startsWith(dist) || !existsSync(file)) return route.fulfill({ status: 404 });
    return route.fulfill({ contentType: mime[extname(file)] ?? 'application/octet-stream', body: readFileSync(file) });
  });
});

after(async () => {
  await browser?.close();
  await node?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const seen = () => page.evaluate(() => window.seen);
async function expectValue(what, check, ms = 20000) {
  try {
    return await until(what, async () => (await seen()).find((s) => s.value && check(s.value)), ms);
  } catch (e) {
    throw new Error(`${e.message}; seen: ${JSON.stringify(await seen())}; page errors: ${pageErrors.map(String)}`);
  }
}

test('a subscriber receives a value whose type evolved between writes', async () => {
  await http(node.base, 'PUT', '/profiles/7', { id: 7, name: 'ada', visits: 3 });
  await page.goto(`${node.base}/t/`);
  await page.waitForFunction(() => window.ready === true).catch(async (e) => { throw new Error(`page not ready: ${e.message}; errors: ${pageErrors.map(String)}`); });
  const v1 = await expectValue('the version-1 value', (v) => v.visits === 3);
  assert.deepEqual(v1.value, { id: 7, name: 'ada', visits: 3 }, 'version 1 has no plan');

  // Version 2 on the same data: the stored value still reads; the page reconnects and resumes.
  await node.stop();
  node = await startEvolving(2, port, dataDir);
  assert.deepEqual(await http(node.base, 'GET', '/profiles/7'), { id: 7, name: 'ada', visits: 3, plan: 'free' },
    'the node reads the version-1 value with version 2 (the default fills plan)');

  // 2^40 does not fit version 1's int: only the widened long holds it.
  await http(node.base, 'PUT', '/profiles/7', { id: 7, name: 'ada', visits: 2 ** 40, plan: 'pro' });
  const v2 = await expectValue('the version-2 value', (v) => v.visits === 2 ** 40);
  assert.deepEqual(v2.value, { id: 7, name: 'ada', visits: 2 ** 40, plan: 'pro' });
  assert.notEqual(v2.schemaId, v1.schemaId, 'the evolved value names its own writer schema');

  // One more write in version 2 (a delta or a full value under the new schema) arrives too.
  await http(node.base, 'PUT', '/profiles/7', { id: 7, name: 'ada lovelace', visits: 2 ** 40 + 1, plan: 'pro' });
  await expectValue('the next version-2 value', (v) => v.name === 'ada lovelace' && v.visits === 2 ** 40 + 1);

  const all = await seen();
  assert.deepEqual(all.filter((s) => s.error), [], 'no subscription errors');
  assert.deepEqual(pageErrors.map(String), []);
});
