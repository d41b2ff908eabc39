// Runs the decode benchmark in Debian's Chromium (headless, driven by playwright-core; never a
// downloaded browser) and, for reference, in Node; writes js-package/BENCHMARKS.md.
//
// Usage (from js-package/, after dev/build-js): node bench/run.mjs [--rounds N] [--ms M] [--out FILE]
// Environment: CHROMIUM (default /usr/bin/chromium).
import { createServer } from 'node:http';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = resolve(here, '..');
const dist = join(pkg, 'dist');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const rounds = Number(arg('rounds', 7));
const ms = Number(arg('ms', 400));
const out = arg('out', join(pkg, 'BENCHMARKS.md'));
if (!existsSync(join(dist, 'wasm/affinity_wasm_bg.wasm'))) {
  console.error('js-package/dist is missing: run dev/build-js first');
  process.exit(1);
}

// avsc for the browser, the way a bundler ships it: lib/types.js with the `buffer` package as
// Buffer, avsc's own browser crypto shim, and a small `util` (inherits, format, debuglog,
// deprecate: none of them on the decode path).
function avscBundle() {
  const require = createRequire(join(pkg, 'package.json'));
  const files = new Map();
  const bare = {
    buffer: require.resolve('buffer/'),
    'base64-js': require.resolve('base64-js'),
    ieee754: require.resolve('ieee754'),
    crypto: join(dirname(require.resolve('avsc/package.json')), 'etc/browser/lib/crypto.js'),
  };
  const add = (file) => {
    if (files.has(file)) return;
    const src = readFileSync(file, 'utf8');
    const deps = {};
    files.set(file, { src, deps });
    for (const [, name] of src.matchAll(/require\('([^']+)'\)/g)) {
      if (name === 'util') continue;
      const target = name.startsWith('.') ? resolve(dirname(file), name.endsWith('.js') ? name : `${name}.js`) : bare[name];
      if (!target) throw new Error(`avsc bundle: unknown module ${name} in ${file}`);
      deps[name] = target;
      add(target);
    }
  };
  const entry = join(dirname(require.resolve('avsc/package.json')), 'lib/types.js');
  add(entry);
  const mods = [...files].map(([file, { src, deps }]) =>
    `${JSON.stringify(file)}: [${JSON.stringify(deps)}, function (module, exports, require) {\n${src}\n}]`);
  return `(function () {
  var util = {
    inherits: function (c, p) { c.super_ = p; Object.setPrototypeOf(c.prototype, p.prototype); },
    format: function (f) { var a = Array.prototype.slice.call(arguments, 1), i = 0;
      return String(f).replace(/%[sdj%]/g, function (m) { return m === '%%' ? '%' : String(a[i++]); }); },
    debuglog: function () { return function () {}; },
    deprecate: function (fn) { return fn; },
  };
  var defs = {${mods.join(',\n')}};
  var cache = {};
  function load(file) {
    if (cache[file]) return cache[file].exports;
    var def = defs[file], module = { exports: {} };
    cache[file] = module;
    def[1](module, module.exports, function (name) { return name === 'util' ? util : load(def[0][name]); });
    return module.exports;
  }
  window.avscBundle = {
    avsc: load(${JSON.stringify(entry)}),
    require: function (name) { return load(${JSON.stringify(bare)}[name]); },
  };
})();\n`;
}

const types = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html', '.wasm': 'application/wasm' };
async function serve() {
  const bundle = avscBundle();
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    let body; let file;
    if (path === '/avsc-bundle.js') body = bundle;
    else if (path === '/') file = join(here, 'page.html');
    else if (path.startsWith('/dist/') || path.startsWith('/bench/')) file = join(pkg, path);
    if (file && !file.startsWith(pkg)) file = undefined;
    if (file && existsSync(file)) body = readFileSync(file);
    if (body === undefined) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': types[extname(file ?? '.js')] ?? 'application/octet-stream' });
    res.end(body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

async function inChromium() {
  const server = await serve();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
    timeout: 30000,
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => window.benchReady === true, null, { timeout: 15000 });
    if (errors.length) throw errors[0];
    const version = browser.version();
    const result = await page.evaluate((o) => window.bench(o), { rounds, ms });
    return { version, ...result };
  } finally {
    await browser.close();
    server.close();
  }
}

async function inNode() {
  const { load, connect, AvroType } = await import(join(dist, 'node.js'));
  load();
  const { AvroType: WasmAvroType } = await import(join(dist, 'wasm/affinity_wasm.js'));
  const avsc = createRequire(join(pkg, 'package.json'))('avsc');
  const { runBench } = await import('./bench.mjs');
  const { liveCases } = await import('./live.mjs');
  const extra = await liveCases({ connect, WasmAvroType });
  return { version: process.version, ...runBench({ AvroType, WasmAvroType, avsc, toBytes: (b) => Buffer.from(b), rounds, ms, extra }) };
}

function bundleSize() {
  const parts = ['wasm/affinity_wasm_bg.wasm', 'wasm/affinity_wasm.js', 'index.js', 'client.js', 'errors.js', 'avro.js'];
  const snippets = execFileSync('find', [join(dist, 'wasm/snippets'), '-name', '*.js'], { encoding: 'utf8' })
    .split('\n').filter(Boolean);
  const all = Buffer.concat([...parts.map((p) => readFileSync(join(dist, p))), ...snippets.map((f) => readFileSync(f))]);
  const wasm = readFileSync(join(dist, 'wasm/affinity_wasm_bg.wasm'));
  return {
    wasm: wasm.length, wasmGz: gzipSync(wasm, { level: 9 }).length,
    total: all.length, totalGz: gzipSync(all, { level: 9 }).length,
  };
}

const fmt = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : `${(n / 1e3).toFixed(0)} k`);
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

const libs = {
  affinity: '@affinity/client (JS decoder)',
  avsc: 'avsc',
  'wasm-side': 'wasm-side decode (before; the CSP fallback)',
};

/** Whether the decode target (≥ avsc) is met, per shape. */
function verdict(result) {
  const rows = result.rows.filter((r) => r.what === 'decode');
  return [...new Set(rows.map((r) => r.shape))].map((shape) => {
    const ours = rows.find((r) => r.shape === shape && r.lib === 'affinity').median;
    const theirs = rows.find((r) => r.shape === shape && r.lib === 'avsc').median;
    const ratio = ours / theirs;
    return `${shape} ${ratio.toFixed(2)}× avsc (${ratio >= 1 ? 'met' : '**missed**'})`;
  }).join(', ');
}

function table(result) {
  const rows = result.rows;
  const find = (shape, what, lib) => rows.find((r) => r.shape === shape && r.what === what && r.lib === lib);
  const lines = ['| record | operation | library | ops/s (median) | min – max | vs avsc decode |', '|---|---|---|---:|---|---:|'];
  for (const r of rows) {
    const base = find(r.shape, 'decode', 'avsc').median;
    const ratio = r.lib === 'avsc' && r.what === 'decode' ? '1.00×' : `${(r.median / base).toFixed(2)}×`;
    lines.push(`| ${r.shape} (${r.what === 'applyDelta' ? `delta ${r.bytes} B` : `${r.bytes} B`}) | ${r.what} | ${libs[r.lib] ?? r.lib} | ${fmt(r.median)} | ${fmt(r.min)} – ${fmt(r.max)} | ${ratio} |`);
  }
  return lines.join('\n');
}

const machine = {
  nproc: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  before: execFileSync('uptime', { encoding: 'utf8' }).trim(),
};
console.error(`machine: ${machine.nproc} × ${machine.cpu}; ${machine.before}`);
const chrome = await inChromium();
console.error(table(chrome));
const node = await inNode();
console.error(table(node));
machine.after = execFileSync('uptime', { encoding: 'utf8' }).trim();
const size = bundleSize();
const commit = (() => { try { return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: pkg, encoding: 'utf8' }).trim(); } catch { return '?'; } })();

writeFileSync(out, `# @affinity/client benchmarks

Written by \`js-package/bench/run\` (\`node bench/run.mjs --rounds ${rounds} --ms ${ms}\` in js-package/, after
\`dev/build-js\`) at commit ${commit}, ${new Date().toISOString()}.

**Machine:** ${machine.nproc} × ${machine.cpu}, shared with other work (builds and tests of other
sessions run at the same time). Load before: \`${machine.before}\`; after: \`${machine.after}\`.

**What is measured:** decode throughput of the package's codec (\`AvroType.fromBuffer\`: Avro
binary → plain JS object, decoded in JS by the decoder generated once per schema, src/avro.js)
against avsc 5.7.9 (\`Type.fromBuffer\`) on the same schema and the same bytes (checked equal,
all decodes checked equal to the value), with the decode inside wasm (\`fromBuffer\` of the wasm
module's own \`AvroType\`: the path before the JS decoder, still the fallback where a
Content-Security-Policy forbids \`new Function\`) for reference. Then the cost of applying a
one-field delta, \`AvroType.applyDelta(oldBytes, delta)\`: wasm decodes the old bytes, applies the
delta and encodes the new value, which JS decodes (the package), against the same done wholly in
wasm with the value handed to JS as JSON (before); and decoding the full new value. Then a
subscription's update end to end (bench/live.mjs): a real client on a fake WebSocket and fetch
is fed Delta frames of the same one-field change; the session applies each in wasm (it keeps the
old value, so nothing decodes the old bytes) and the subscriber gets the new value — decoded in
JS (the package) or inside wasm (a second client whose decoder could not be compiled, as under a
CSP). Each case runs ${rounds} rounds of ${ms} ms, interleaved (package, avsc, wasm-side,
…) after a warm-up; the table gives the median and the range. Shapes: \`Small\` (5 fields) and
\`Order\` (20 fields: strings, longs, a uuid, an enum, optional fields, a nested record, an array
of records, an array of strings, a map) as in avro/tests/corpus/mod.rs; see bench/shapes.mjs.
avsc runs in the browser as a bundler ships it (the \`buffer\` package as its Buffer).

**Target (decode ≥ avsc):** Chromium: ${verdict(chrome)}. Node: ${verdict(node)}.

## Chromium ${chrome.version} (headless, Debian's /usr/bin/chromium)

${table(chrome)}

## Node ${node.version} (for reference; avsc with Node's native Buffer)

${table(node)}

## Bundle size

| part | bytes | gzip -9 |
|---|---:|---:|
| wasm (affinity_wasm_bg.wasm) | ${size.wasm} | ${size.wasmGz} (${kib(size.wasmGz)}) |
| wasm + JS (wasm, wasm-bindgen glue, index.js, client.js, errors.js, snippets) | ${size.total} | **${size.totalGz} (${kib(size.totalGz)})** |

Target: ≤ 150 KiB gzip.
${existsSync(join(here, 'NOTES.md')) ? `\n${readFileSync(join(here, 'NOTES.md'), 'utf8')}` : ''}`);
console.error(`wrote ${out}`);
