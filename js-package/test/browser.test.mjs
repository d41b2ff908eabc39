// End to end in Debian's Chromium (headless, driven by playwright-core): the packed tarball is
// installed into a fresh directory, the graph example node serves its live page with that
// package, and the test changes the graph over HTTP and reads what the page renders.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readdirSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { freePort, startNode, until, http } from './node-server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const artifacts = process.env.AFFINITY_ARTIFACTS ?? join(repo, 'target/js');

function tarball() {
  if (process.env.AFFINITY_CLIENT_TARBALL) return process.env.AFFINITY_CLIENT_TARBALL;
  const dir = join(repo, 'target/js');
  const t = existsSync(dir) && readdirSync(dir).find((f) => /^affinity-client-.*\.tgz$/.test(f));
  if (!t) throw new Error('no packed tarball in target/js: run dev/build-js');
  return join(dir, t);
}

let install; let dataDir; let port; let node; let browser; let page;
const pageErrors = [];

before(async () => {
  install = mkdtempSync(join(tmpdir(), 'affinity-browser-test-'));
  writeFileSync(join(install, 'package.json'), JSON.stringify({ name: 'page', private: true }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball()], { cwd: install, stdio: 'pipe', timeout: 120000 });
  dataDir = join(install, 'data');
  port = await freePort();
  node = await startNode({
    port, dataDir,
    web: join(repo, 'examples/graph/web'),
    pkg: join(install, 'node_modules/@affinity/client'),
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
    timeout: 30000,
  });
  page = await browser.newPage();
  page.setDefaultTimeout(15000);
  page.on('pageerror', (e) => pageErrors.push(e));
  // Console errors count too, except the browser's own reports of the refused connections while
  // the node restarts and of the page's missing favicon.
  page.on('console', (m) => {
    const t = m.text();
    if (m.type() === 'error' && !/ERR_CONNECTION_REFUSED|status of 404/.test(t)) pageErrors.push(new Error(t));
  });
});

after(async () => {
  await browser?.close();
  await node?.stop();
  if (install) rmSync(install, { recursive: true, force: true });
});

const text = (id) => page.getByTestId(id).textContent();
async function expectText(id, want, ms = 15000) {
  await until(`${id} to show ${JSON.stringify(want)}`, async () => (await text(id)).includes(want), ms);
}

test('the live page follows HTTP changes, deletes and a node restart', async () => {
  await http(node.base, 'PUT', '/vertex/41', { name: 'alpha' });
  await page.goto(`${node.base}/app/?components=41,42&vertices=41,42`);
  await expectText('vertex-41', 'alpha · edges [] · component 41');
  await expectText('vertex-42', '(none)');
  await expectText('component-41', 'members: 41');

  await http(node.base, 'PUT', '/vertex/42', { name: 'beta' });
  await expectText('vertex-42', 'beta');
  await expectText('component-42', 'members: 42');

  await http(node.base, 'POST', '/connect/41/42');
  await expectText('component-41', 'members: 41, 42');
  await expectText('component-42', '(none)'); // deleted: merged into 41
  await expectText('vertex-42', 'beta · edges [41] · component 41');

  // The node restarts; a change made before the page reconnects still arrives.
  await node.stop();
  await until('the page to notice', async () => (await page.textContent('#state')) !== 'open', 10000);
  node = await startNode({ port, dataDir, web: join(repo, 'examples/graph/web'), pkg: join(install, 'node_modules/@affinity/client') });
  await http(node.base, 'PUT', '/vertex/41', { name: 'alpha-2' });
  await expectText('vertex-41', 'alpha-2 · edges [42] · component 41', 20000);
  await until('open again', async () => (await page.textContent('#state')) === 'open');
  await http(node.base, 'POST', '/disconnect/41/42');
  await expectText('component-42', 'members: 42');
  await expectText('component-41', 'members: 41');

  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, 'graph-page.png'), fullPage: true });
  assert.deepEqual(pageErrors.map(String), []);
});

test('the page renames a vertex by publishing; refusals, bad values and bytes', async () => {
  await http(node.base, 'PUT', '/vertex/43', { name: 'gamma' });
  await page.goto(`${node.base}/app/?components=43&vertices=43,44`);
  await expectText('vertex-43', 'gamma · edges [] · component 43');
  await expectText('vertex-44', '(none)');

  // The user renames vertex 43 on the page: the page publishes { name } to its id, and the
  // subscription shows the new name.
  await page.getByTestId('rename-43').fill('gamma, renamed');
  await page.getByTestId('rename-43').press('Enter');
  await expectText('vertex-43', 'gamma, renamed · edges [] · component 43');
  await expectText('rename-status-43', 'renamed');

  // Vertex 44 does not exist: the handler refuses, the page shows why, nothing is created.
  await page.getByTestId('rename-44').fill('delta');
  await page.getByTestId('rename-44').press('Enter');
  await expectText('rename-status-44', 'refused: bad-message');
  assert.match(await text('rename-status-44'), /vertex 44 does not exist/);
  assert.equal(await text('vertex-44'), '(none)');
  assert.equal((await fetch(`${node.base}/vertex/44`)).status, 404);

  // From the page's code: a value that does not fit (nothing sent), a key beyond 2^53 (BigInt,
  // exact) and the bytes path.
  const big = (2n ** 60n + 43n).toString();
  await http(node.base, 'PUT', `/vertex/${big}`, { name: 'big' });
  const results = await page.evaluate(async (bigText) => {
    const { AvroType, ValueError } = await import('/pkg/dist/index.js');
    const client = window.affinityClient;
    const out = {};
    try {
      await client.publish('graph', 43, { name: 43 });
      out.invalid = 'published';
    } catch (e) {
      out.invalid = `${e instanceof ValueError} ${e.code} ${e.message}`;
    }
    await client.publish('graph', BigInt(bigText), { name: 'big, renamed' });
    const rename = new AvroType(JSON.stringify({
      type: 'record', name: 'Rename', namespace: 'com.example.graph', fields: [{ name: 'name', type: 'string' }],
    }));
    await client.publishEncoded('graph', new AvroType('"long"').toBuffer(43), rename.toBuffer({ name: 'from bytes' }));
    return out;
  }, big);
  assert.match(results.invalid, /^true invalid-value the message/);
  await expectText('vertex-43', 'from bytes · edges [] · component 43');
  assert.equal((await http(node.base, 'GET', `/vertex/${big}`)).name, 'big, renamed');

  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, 'graph-page-publish.png'), fullPage: true });
  assert.deepEqual(pageErrors.map(String), []);
});
