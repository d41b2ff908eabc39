// The JS decoder generated per schema (dist/avro.js) against the decoder inside wasm (the
// reference: affinity-avro's decode_value and src/convert.rs's mapping): the same bytes give
// deep-equal values for every shape, and the same bytes are refused, with a clear error and
// without hanging or allocating in proportion to a length prefix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, AvroType, ValueError } from '../dist/node.js';
import { AvroType as WasmAvroType } from '../dist/wasm/affinity_wasm.js';
import { compileDecoder } from '../dist/avro.js';

load();

/** Both decoders of one schema. */
function pair(schema) {
  const wasm = new WasmAvroType(JSON.stringify(schema));
  const js = compileDecoder(wasm.canonicalForm);
  assert.equal(typeof js, 'function');
  return { wasm, js };
}

/** Decodes `bytes` both ways: both give deep-equal values, or both throw a ValueError. */
function agree({ wasm, js }, bytes, what) {
  let a; let b; let ea; let eb;
  try { a = js(bytes); } catch (e) { ea = e; }
  try { b = wasm.fromBuffer(bytes); } catch (e) { eb = e; }
  if (ea || eb) {
    assert.ok(ea && eb, `${what}: only one decoder refused ${hex(bytes)}: js ${ea?.message ?? 'accepted'}, wasm ${eb?.message ?? 'accepted'}`);
    assert.ok(ea instanceof ValueError && ea.code === 'bad-bytes', `${what}: ${ea}`);
    return { error: ea };
  }
  assert.deepStrictEqual(a, b, `${what}: ${hex(bytes)}`);
  return { value: a };
}

const hex = (bytes) => Buffer.from(bytes).toString('hex');

/** A value of `schema` encoded by wasm, decoded both ways: equal to each other and to `expected`. */
function roundTrip(schema, values) {
  const p = pair(schema);
  for (const [value, expected = value] of values) {
    const bytes = p.wasm.toBuffer(value);
    const { value: got } = agree(p, bytes, JSON.stringify(schema));
    assert.deepStrictEqual(got, expected);
  }
  return p;
}

const MAX = 2 ** 53 - 1;

test('primitives: longs at ±2^53 become BigInt, never rounded; floats keep NaN, -0 and infinities', () => {
  roundTrip('null', [[null]]);
  roundTrip('boolean', [[true], [false]]);
  roundTrip('int', [[0], [-1], [63], [-64], [64], [2 ** 31 - 1], [-(2 ** 31)], [300], [-8193]]);
  roundTrip('long', [
    [0], [1], [-1], [2 ** 31], [2 ** 35 + 3], [2 ** 48], [-(2 ** 48) - 1], [1763790000123456],
    [2 ** 52], [-(2 ** 52)], [MAX], [-MAX], [MAX - 1], [-MAX + 1],
    [2n ** 53n], [-(2n ** 53n)], [2n ** 53n + 1n], [-(2n ** 53n) - 1n],
    [2n ** 63n - 1n], [-(2n ** 63n)], [2n ** 62n + 12345n], [-(2n ** 60n)],
    [BigInt(MAX), MAX], [5n, 5],
  ]);
  roundTrip('float', [[1.5], [-0], [0], [NaN], [Infinity], [-Infinity], [3.4028234663852886e38], [1e-45, Math.fround(1e-45)], [0.1, Math.fround(0.1)]]);
  roundTrip('double', [[0.1], [-0], [NaN], [Infinity], [-Infinity], [Number.MAX_VALUE], [Number.MIN_VALUE], [-123.456e-300]]);
  roundTrip('bytes', [[new Uint8Array(0)], [new Uint8Array([0, 1, 127, 128, 255])], [new Uint8Array(300).map((_, i) => i)]]);
  const long = `${'é'.repeat(40)}中文😀${'x'.repeat(100)}`;
  roundTrip('string', [
    [''], ['a'], ['12345678'], ['1234567890123456'], ['vertex-42'], ['\u0000\u007f'], ['é'], ['中文'], ['😀'],
    ['\ufeffBOM kept'], ['a\ufeff'], [long], ['x'.repeat(64)], ['y'.repeat(65)], ['ascii then é after eight'],
  ]);
});

test('records, nesting, recursion, arrays, maps, enums, fixed, logical types', () => {
  const address = { type: 'record', name: 'Address', namespace: 'shop', fields: [
    { name: 'street', type: 'string' }, { name: 'zip', type: ['null', 'string'], default: null }] };
  const schema = {
    type: 'record', name: 'Everything', namespace: 'com.example',
    fields: [
      { name: 'id', type: 'long' },
      { name: 'home', type: address },
      { name: 'work', type: ['null', 'shop.Address'], default: null },
      { name: 'others', type: { type: 'array', items: 'shop.Address' } },
      { name: 'scores', type: { type: 'map', values: 'double' } },
      { name: 'nested', type: { type: 'map', values: { type: 'array', items: ['null', 'long'] } } },
      { name: 'color', type: { type: 'enum', name: 'Color', symbols: ['RED', 'GREEN', 'BLUE'] } },
      { name: 'hash', type: { type: 'fixed', name: 'Hash', size: 4 } },
      { name: 'raw', type: 'bytes' },
      { name: 'date', type: { type: 'int', logicalType: 'date' } },
      { name: 'millis', type: { type: 'int', logicalType: 'time-millis' } },
      { name: 'micros', type: { type: 'long', logicalType: 'time-micros' } },
      { name: 'ts', type: { type: 'long', logicalType: 'timestamp-millis' } },
      { name: 'tsu', type: { type: 'long', logicalType: 'timestamp-micros' } },
      { name: 'local', type: { type: 'long', logicalType: 'local-timestamp-micros' } },
      { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 } },
      { name: 'amount', type: { type: 'fixed', name: 'Amount', size: 8, logicalType: 'decimal', precision: 18, scale: 4 } },
      { name: 'uid', type: { type: 'string', logicalType: 'uuid' } },
      { name: 'span', type: { type: 'fixed', name: 'Span', size: 12, logicalType: 'duration' } },
      { name: 'empty', type: { type: 'record', name: 'Empty', fields: [] } },
      { name: 'nulls', type: { type: 'array', items: 'null' } },
    ],
  };
  const value = {
    id: 2n ** 60n,
    home: { street: 'Rue de la Paix', zip: '75002' },
    work: { street: 'Main St', zip: null },
    others: [{ street: 'a', zip: null }, { street: 'b', zip: 'z' }],
    scores: { math: 0.5, '42': -0, __proto__x: 1, 'with space': NaN },
    nested: { a: [1, null, 2n ** 55n], b: [] },
    color: 'BLUE',
    hash: new Uint8Array([1, 2, 3, 4]),
    raw: new Uint8Array([9, 8, 7]),
    date: 19000, millis: 3600000, micros: 86399999999, ts: 1763790000123, tsu: 1763790000123456, local: -1,
    price: new Uint8Array([0x01, 0x86, 0xa0]),
    amount: new Uint8Array([0, 0, 0, 0, 0, 0x0f, 0x42, 0x40]),
    uid: '5f0c6a3e-9b1d-4c2a-8e7f-1a2b3c4d5e6f',
    span: new Uint8Array(12).fill(7),
    empty: {},
    nulls: [null, null, null],
  };
  const p = roundTrip(schema, [[value], [{ ...value, work: null, others: [], scores: {}, nested: {}, nulls: [] }]]);
  assert.equal(typeof p.js(p.wasm.toBuffer(value)).id, 'bigint');

  // A map key "__proto__" is an own property, not the prototype.
  const m = roundTrip({ type: 'map', values: 'long' }, [[JSON.parse('{"__proto__": 7, "b": 2}')]]);
  const got = m.js(m.wasm.toBuffer(JSON.parse('{"__proto__": 7}')));
  assert.equal(Object.getPrototypeOf(got), Object.prototype);
  assert.deepEqual(Object.keys(got), ['__proto__']);

  // Recursive records: a list and a tree.
  const list = { type: 'record', name: 'Node', fields: [{ name: 'value', type: 'int' }, { name: 'next', type: ['null', 'Node'] }] };
  let chain = null;
  for (let i = 0; i < 100; i++) chain = { value: i, next: chain };
  roundTrip(list, [[{ value: 1, next: null }], [chain]]);
  const tree = { type: 'record', name: 'Tree', fields: [{ name: 'label', type: 'string' }, { name: 'children', type: { type: 'array', items: 'Tree' } }] };
  roundTrip(tree, [[{ label: 'root', children: [{ label: 'a', children: [] }, { label: 'b', children: [{ label: 'c', children: [] }] }] }]]);
});

test('unions of each kind: nullable (either order) unwrapped, others tagged with the branch name', () => {
  roundTrip(['null', 'string'], [['x'], [null]]);
  roundTrip(['long', 'null'], [[2n ** 62n], [null], [-5]]);
  roundTrip(['null'], [[null]]);
  roundTrip(['int'], [[{ int: 3 }]]);
  roundTrip(['int', 'string'], [[{ int: -7 }], [{ string: 'é' }]]);
  roundTrip(['null', 'int', 'string'], [[null], [{ int: 1 }], [{ string: 's' }]]);
  const rec = { type: 'record', name: 'P', namespace: 'geo', fields: [{ name: 'x', type: 'double' }] };
  roundTrip([rec, { type: 'enum', name: 'E', namespace: 'geo', symbols: ['A'] }, { type: 'fixed', name: 'F', size: 2 }, 'bytes'], [
    [{ 'geo.P': { x: 1.25 } }], [{ 'geo.E': 'A' }], [{ F: new Uint8Array([1, 2]) }], [{ bytes: new Uint8Array([3]) }],
  ]);
  roundTrip([{ type: 'array', items: 'int' }, { type: 'map', values: ['null', 'boolean'] }, 'null'], [
    [{ array: [1, 2] }], [{ map: { a: true, b: null } }], [null],
  ]);
  roundTrip(['null', { type: 'record', name: 'Q', fields: [{ name: 'u', type: ['float', 'double'] }] }], [[{ u: { double: -0 } }], [null]]);
});

/** A small deterministic PRNG (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fuzzSchema = {
  type: 'record', name: 'F', fields: [
    { name: 'a', type: 'long' }, { name: 'b', type: 'string' }, { name: 'c', type: ['null', 'int', 'F'] },
    { name: 'd', type: { type: 'array', items: 'double' } }, { name: 'e', type: { type: 'map', values: 'boolean' } },
    { name: 'f', type: { type: 'enum', name: 'G', symbols: ['X', 'Y', 'Z'] } }, { name: 'g', type: 'bytes' },
    { name: 'h', type: 'float' }, { name: 'i', type: { type: 'fixed', name: 'H', size: 3 } },
  ],
};

function randomValue(r, depth = 0) {
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const longs = [0, -1, 1, 2 ** 40, -(2 ** 52), MAX, 2n ** 53n, -(2n ** 63n), 2n ** 63n - 1n, Math.floor(r() * 1e9)];
  const strings = ['', 'abc', 'é中😀', 'x'.repeat(70), '\ufeff', 'ascii-and-é'];
  return {
    a: pick(longs), b: pick(strings),
    c: depth < 3 && r() < 0.3 ? { F: randomValue(r, depth + 1) } : r() < 0.5 ? null : { int: Math.floor(r() * 2 ** 31) * (r() < 0.5 ? -1 : 1) },
    d: Array.from({ length: Math.floor(r() * 4) }, () => pick([0, -0, NaN, 1e300, r()])),
    e: Object.fromEntries(Array.from({ length: Math.floor(r() * 3) }, (_, i) => [`k${i}`, r() < 0.5])),
    f: pick(['X', 'Y', 'Z']), g: new Uint8Array(Math.floor(r() * 5)).map(() => Math.floor(r() * 256)),
    h: pick([0, -0, Infinity, NaN, 1.5]), i: new Uint8Array([1, 2, 3]),
  };
}

test('random values and random corruptions of their bytes: the two decoders agree on every input', () => {
  const p = pair(fuzzSchema);
  const r = rng(20261122);
  let refused = 0; let accepted = 0;
  for (let i = 0; i < 300; i++) {
    const bytes = p.wasm.toBuffer(randomValue(r));
    assert.ok(agree(p, bytes, 'valid').value);
    // every truncation is an error
    for (let cut = 0; cut < bytes.length; cut += 1 + Math.floor(r() * 3)) {
      assert.ok(agree(p, bytes.subarray(0, cut), `truncated at ${cut}`).error, `truncated at ${cut} decoded`);
    }
    assert.ok(agree(p, Uint8Array.from([...bytes, 0]), 'trailing byte').error);
    for (let k = 0; k < 10; k++) {
      const bad = Uint8Array.from(bytes);
      const flips = 1 + Math.floor(r() * 3);
      for (let f = 0; f < flips; f++) bad[Math.floor(r() * bad.length)] = Math.floor(r() * 256);
      if (agree(p, bad, 'corrupted').error) refused++; else accepted++;
    }
  }
  assert.ok(refused > 100 && accepted > 100, `refused ${refused}, accepted ${accepted}`);
});

/** The zig-zag varint of `n` (a BigInt). */
function varint(n) {
  let z = n >= 0n ? n << 1n : ((-n) << 1n) - 1n;
  const out = [];
  do {
    let byte = Number(z & 0x7fn);
    z >>= 7n;
    if (z > 0n) byte |= 0x80;
    out.push(byte);
  } while (z > 0n);
  return out;
}

test('truncated input, absurd lengths and malformed bytes fail at once with a ValueError in both', () => {
  const cases = [
    ['string', [...varint(2n ** 60n), 0x61], /length/],
    ['string', [...varint(-1n)], /length/],
    ['bytes', [...varint(2n ** 62n)], /length/],
    ['bytes', [...varint(5n), 1, 2], /length/],
    [{ type: 'array', items: 'long' }, [...varint(2n ** 62n), 0], /block/],
    [{ type: 'array', items: 'long' }, [...varint(-(2n ** 40n)), ...varint(2n), 0, 0], /block|length/],
    [{ type: 'array', items: 'long' }, [...varint(-(2n ** 63n))], /end of input/], // then the block's byte size is missing
    [{ type: 'array', items: 'null' }, [...varint(2n ** 21n), 0], /empty items/],
    [{ type: 'array', items: { type: 'record', name: 'E', fields: [] } }, [...varint(2n ** 62n), 0], /empty items/],
    [{ type: 'map', values: 'string' }, [...varint(2n ** 50n), 0], /block/],
    [{ type: 'array', items: 'int' }, [...varint(3n), 2, 4], /block/],
    [{ type: 'array', items: 'int' }, [...varint(2n), 2, 4], /end of input/],
    ['long', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], /varint/],
    ['long', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02], /varint/],
    ['long', [0x80, 0x80], /end of input/],
    ['int', [...varint(2n ** 31n)], /int out of range/],
    ['int', [...varint(2n ** 60n)], /int out of range/],
    ['boolean', [2], /boolean/],
    ['boolean', [], /end of input/],
    ['double', [0, 0, 0, 0, 0, 0, 0], /end of input/],
    ['float', [0, 0, 0], /end of input/],
    [{ type: 'fixed', name: 'X', size: 16 }, [1, 2, 3], /end of input/],
    [{ type: 'enum', name: 'E', symbols: ['A', 'B'] }, [...varint(2n)], /enum index/],
    [{ type: 'enum', name: 'E', symbols: ['A', 'B'] }, [...varint(-1n)], /enum index/],
    [['null', 'int'], [...varint(2n)], /union index/],
    [['null', 'int', 'string'], [...varint(-1n)], /union index/],
    ['null', [0], /trailing/],
    ['string', [...varint(2n), 0xc3, 0x28], /UTF-8/], // invalid continuation
    ['string', [...varint(2n), 0xc0, 0x80], /UTF-8/], // overlong
    ['string', [...varint(3n), 0xed, 0xa0, 0x80], /UTF-8/], // a surrogate
    ['string', [...varint(3n), 0xf0, 0x9f, 0x98], /UTF-8/], // truncated 4-byte sequence
    ['string', [...varint(4n), 0xf4, 0x90, 0x80, 0x80], /UTF-8/], // beyond U+10FFFF
    ['string', [...varint(9n), 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0xff], /UTF-8/],
  ];
  for (const [schema, bytes, message] of cases) {
    const p = pair(schema);
    const start = performance.now();
    const { error } = agree(p, Uint8Array.from(bytes), `${JSON.stringify(schema)} ${hex(bytes)}`);
    assert.ok(error, `${JSON.stringify(schema)} ${hex(bytes)} decoded`);
    assert.match(error.message, message);
    assert.ok(performance.now() - start < 1000, `${JSON.stringify(schema)} took ${performance.now() - start} ms`);
  }
});

test('records nested deeper than 128 are refused by both; 128 levels decode', () => {
  const list = { type: 'record', name: 'L', fields: [{ name: 'next', type: ['null', 'L'] }] };
  const p = pair(list);
  const nested = (levels) => Uint8Array.from([...Array(levels - 1).fill(2), 0]);
  assert.ok(agree(p, nested(128), '128 levels').value);
  const { error } = agree(p, nested(129), '129 levels');
  assert.match(error.message, /nested deeper than 128/);
  assert.ok(agree(p, nested(100000), '100000 levels').error);
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
  assert.throws(() => t.fromBuffer(new Uint8Array([1])), (e) => e instanceof ValueError);
});
