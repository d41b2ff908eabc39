// The JS decoder generated per schema (dist/avro.js) against the decoder inside wasm (the
// reference): the agreement suite of agree.mjs (Chromium runs it too, decode.browser.test.mjs),
// and what only Node checks here: the package's AvroType inputs, and the fallback to wasm where
// `new Function` is forbidden.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, AvroType, ValueError } from '../dist/node.js';
import { AvroType as WasmAvroType } from '../dist/wasm/affinity_wasm.js';
import { compileDecoder } from '../dist/avro.js';
import { runAgreement } from './agree.mjs';

load();

test('the JS decoder and the wasm decoder agree: every shape, malformed input, random values and corruptions', () => {
  const { counts, failures } = runAgreement({ WasmAvroType, compileDecoder, ValueError });
  assert.deepEqual(failures, []);
  assert.ok(counts.values > 90 && counts.malformed > 30 && counts.truncated > 1000, JSON.stringify(counts));
  assert.ok(counts.corruptedAccepted > 100 && counts.corrupted - counts.corruptedAccepted > 100,
    `corruptions both accept and refuse: ${JSON.stringify(counts)}`);
});

test('128 nested records decode; the JS decoder is the one the package uses', () => {
  const schema = { type: 'record', name: 'L', fields: [{ name: 'next', type: ['null', 'L'] }] };
  const t = new AvroType(JSON.stringify(schema));
  let v = t.fromBuffer(Uint8Array.from([...Array(127).fill(2), 0]));
  let depth = 0;
  while (v) { depth++; v = v.next; }
  assert.equal(depth, 128);
  assert.equal(compileDecoder(t.canonicalForm), compileDecoder(t.canonicalForm), 'compiled once per schema');
});

test('AvroType decodes in JS: Buffers and ArrayBuffers as input, byte fields copied, deltas applied', () => {
  const t = new AvroType(JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'b', type: 'bytes' }, { name: 'n', type: 'long' }] }));
  const bytes = t.toBuffer({ b: new Uint8Array([1, 2, 3]), n: 2n ** 60n });
  const fromBuffer = t.fromBuffer(Buffer.from(bytes));
  assert.deepStrictEqual(fromBuffer, { b: new Uint8Array([1, 2, 3]), n: 2n ** 60n });
  assert.equal(Object.getPrototypeOf(fromBuffer.b), Uint8Array.prototype, 'a plain Uint8Array, not a Buffer view');
  assert.deepStrictEqual(t.fromBuffer(bytes.slice().buffer), fromBuffer);
  const shared = Uint8Array.from(bytes);
  const v = t.fromBuffer(shared);
  shared.fill(0);
  assert.deepStrictEqual(v.b, new Uint8Array([1, 2, 3]), 'the value does not share the input memory');
  assert.throws(() => t.fromBuffer('nope'), (e) => e instanceof ValueError && e.code === 'bad-bytes');
  assert.throws(() => t.fromBuffer(bytes.subarray(0, 3)), (e) => e instanceof ValueError && /exceeds the 2 bytes left/.test(e.message));
  const next = { b: new Uint8Array([1, 2, 3]), n: -1 };
  assert.deepStrictEqual(t.applyDelta(bytes, t.delta({ b: new Uint8Array([1, 2, 3]), n: 2n ** 60n }, next)), next);
});

test('where new Function is forbidden (CSP), AvroType decodes in wasm with the same result', () => {
  const schema = { type: 'record', name: 'Csp', fields: [{ name: 'x', type: 'long' }, { name: 'y', type: ['int', 'string'] }] };
  const original = globalThis.Function;
  globalThis.Function = function Forbidden() { throw new EvalError('unsafe-eval is not allowed'); };
  let t;
  try {
    assert.equal(compileDecoder(new WasmAvroType(JSON.stringify(schema)).canonicalForm), null);
    t = new AvroType(JSON.stringify(schema));
  } finally {
    globalThis.Function = original;
  }
  const value = { x: 2n ** 55n, y: { string: 'ok' } };
  assert.deepStrictEqual(t.fromBuffer(t.toBuffer(value)), value);
  assert.deepStrictEqual(t.applyDelta(t.toBuffer(value), t.delta(value, { ...value, x: 1 })), { ...value, x: 1 });
  assert.throws(() => t.fromBuffer(new Uint8Array([1])), (e) => e instanceof ValueError);
});
