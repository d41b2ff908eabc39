// The decode benchmark itself, for any JS engine: @affinity/client's codec (AvroType: a JS
// decoder generated per schema) vs avsc on the same schemas and bytes, with the wasm-side decode
// (the path before, now the fallback) for reference. The caller passes the libraries (the browser
// page and Node load them differently).
import { shapes } from './shapes.mjs';

let sink = 0;

/** Calls `fn` in batches for about `ms` milliseconds; returns operations per second. */
function opsPerSecond(fn, ms) {
  const batch = 200;
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < batch; i++) {
      const v = fn();
      if (v !== null) sink++;
    }
    ops += batch;
    now = performance.now();
  }
  return (ops * 1000) / (now - start);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function sameJson(a, b) {
  const norm = (v) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? String(x) : x));
  return norm(a) === norm(b);
}

/**
 * Runs every case `rounds` times, interleaved (affinity, avsc, wasm-side, …) so that load on the
 * machine hits all alike; returns one row per case with the median ops/s.
 * `AvroType` is the package's codec (decodes in JS with the generated decoder); `WasmAvroType`
 * the wasm module's own (decodes inside wasm: the path before the JS decoder, kept as the
 * fallback and the reference). `toBytes(uint8array)` turns bytes into what avsc's `fromBuffer`
 * takes (a Buffer). `extra`: more cases (live.mjs's subscription updates), run with the others.
 */
export function runBench({ AvroType, WasmAvroType, avsc, toBytes, rounds = 7, ms = 400, extra = [] }) {
  const cases = [];
  for (const shape of shapes) {
    const json = JSON.stringify(shape.schema);
    const pkg = new AvroType(json);
    const wasm = new WasmAvroType(json);
    const js = avsc.Type.forSchema(shape.schema);
    const bytes = pkg.toBuffer(shape.value);
    const avscBytes = js.toBuffer(shape.value);
    if (bytes.length !== avscBytes.length || bytes.some((b, i) => b !== avscBytes[i])) {
      throw new Error(`${shape.name}: the two libraries encode the value differently`);
    }
    const buf = toBytes(bytes);
    if (!sameJson(pkg.fromBuffer(bytes), shape.value)) throw new Error(`${shape.name}: JS decode differs`);
    if (!sameJson(wasm.fromBuffer(bytes), shape.value)) throw new Error(`${shape.name}: wasm decode differs`);
    if (!sameJson({ ...js.fromBuffer(buf) }, shape.value)) throw new Error(`${shape.name}: avsc decode differs`);

    const next = shape.change(shape.value);
    const nextBytes = pkg.toBuffer(next);
    const delta = pkg.delta(shape.value, next);
    if (!sameJson(pkg.applyDelta(bytes, delta), next)) throw new Error(`${shape.name}: applyDelta differs`);
    if (!sameJson(wasm.applyDelta(bytes, delta), next)) throw new Error(`${shape.name}: wasm applyDelta differs`);

    const row = (what, lib, n, fn) => cases.push({ shape: shape.name, what, lib, bytes: n, fn });
    row('decode', 'affinity', bytes.length, () => pkg.fromBuffer(bytes));
    row('decode', 'avsc', bytes.length, () => js.fromBuffer(buf));
    row('decode', 'wasm-side', bytes.length, () => wasm.fromBuffer(bytes));
    row('applyDelta', 'affinity', delta.length, () => pkg.applyDelta(bytes, delta));
    row('applyDelta', 'wasm-side', delta.length, () => wasm.applyDelta(bytes, delta));
    row('decode new value', 'affinity', nextBytes.length, () => pkg.fromBuffer(nextBytes));
    cases.push(...extra.filter((c) => c.shape === shape.name));
  }
  for (const c of cases) { c.runs = []; opsPerSecond(c.fn, ms / 2); } // warm-up (JIT, tier-up)
  for (let r = 0; r < rounds; r++) for (const c of cases) c.runs.push(opsPerSecond(c.fn, ms));
  for (const c of cases) c.close?.();
  return {
    sink,
    rows: cases.map(({ shape, what, lib, bytes, runs }) => ({
      shape, what, lib, bytes, median: median(runs), min: Math.min(...runs), max: Math.max(...runs),
    })),
  };
}
