// The agreement suite of the JS decoder (dist/avro.js) and the decoder inside wasm (the
// reference: affinity-avro's decode_value and src/convert.rs's mapping), for any JS engine: the
// Node tests (decode.test.mjs) and a Chromium page (decode.browser.test.mjs) run it. Every
// value is encoded by wasm and decoded both ways; the two results must be deep-equal (NaN, -0,
// BigInt, Uint8Array and prototypes included) and equal to the expected value; malformed inputs
// must be refused by both with a ValueError whose message says what is wrong; random values and
// random corruptions of their bytes must be accepted or refused alike.

const MAX = 2 ** 53 - 1;

/** Strict deep equality: Object.is for primitives, contents and prototypes for objects. */
export function same(a, b, path = 'value') {
  if (Object.is(a, b)) return null;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') {
    return `${path}: ${show(a)} ≠ ${show(b)}`;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${path}: different prototypes`;
  if (a instanceof Uint8Array) {
    return a.length === b.length && a.every((x, i) => x === b[i]) ? null : `${path}: bytes ${show(a)} ≠ ${show(b)}`;
  }
  const ka = Object.keys(a); const kb = Object.keys(b);
  if (ka.length !== kb.length || ka.some((k) => !Object.prototype.hasOwnProperty.call(b, k))) {
    return `${path}: keys ${ka} ≠ ${kb}`;
  }
  for (const k of ka) {
    const d = same(a[k], b[k], `${path}.${k}`);
    if (d) return d;
  }
  return null;
}

function show(v) {
  if (typeof v === 'bigint') return `${v}n`;
  if (Object.is(v, -0)) return '-0';
  if (v instanceof Uint8Array) return `Uint8Array[${[...v]}]`;
  try { return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x)) ?? String(v); } catch { return String(v); }
}

const hex = (bytes) => [...bytes].map((x) => x.toString(16).padStart(2, '0')).join('');

const address = { type: 'record', name: 'Address', namespace: 'shop', fields: [
  { name: 'street', type: 'string' }, { name: 'zip', type: ['null', 'string'], default: null }] };
const everything = {
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
const everythingValue = {
  id: 2n ** 60n,
  home: { street: 'Rue de la Paix', zip: '75002' },
  work: { street: 'Main St', zip: null },
  others: [{ street: 'a', zip: null }, { street: 'b', zip: 'z' }],
  scores: { math: 0.5, 42: -0, __proto__x: 1, 'with space': NaN },
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
const list = { type: 'record', name: 'Node', fields: [{ name: 'value', type: 'int' }, { name: 'next', type: ['null', 'Node'] }] };
let chain = null;
for (let i = 0; i < 100; i++) chain = { value: i, next: chain };
const tree = { type: 'record', name: 'Tree', fields: [{ name: 'label', type: 'string' }, { name: 'children', type: { type: 'array', items: 'Tree' } }] };
const point = { type: 'record', name: 'P', namespace: 'geo', fields: [{ name: 'x', type: 'double' }] };
const longString = `${'é'.repeat(40)}中文😀${'x'.repeat(100)}`;

/** [name, schema, [[value, expected = value], …]]: encoded by wasm, decoded both ways. */
export const shapes = [
  ['null', 'null', [[null]]],
  ['boolean', 'boolean', [[true], [false]]],
  ['int', 'int', [[0], [-1], [63], [-64], [64], [2 ** 31 - 1], [-(2 ** 31)], [300], [-8193]]],
  ['long (±2^53: BigInt beyond, never rounded)', 'long', [
    [0], [1], [-1], [2 ** 31], [2 ** 35 + 3], [2 ** 48], [-(2 ** 48) - 1], [1763790000123456],
    [2 ** 52], [-(2 ** 52)], [MAX], [-MAX], [MAX - 1], [-MAX + 1],
    [2n ** 53n], [-(2n ** 53n)], [2n ** 53n + 1n], [-(2n ** 53n) - 1n],
    [2n ** 63n - 1n], [-(2n ** 63n)], [2n ** 62n + 12345n], [-(2n ** 60n)],
    [BigInt(MAX), MAX], [5n, 5],
  ]],
  ['float (NaN, -0, infinities)', 'float', [[1.5], [-0], [0], [NaN], [Infinity], [-Infinity], [3.4028234663852886e38],
    [1e-45, Math.fround(1e-45)], [0.1, Math.fround(0.1)]]],
  ['double (NaN, -0, infinities)', 'double', [[0.1], [-0], [NaN], [Infinity], [-Infinity], [Number.MAX_VALUE], [Number.MIN_VALUE], [-123.456e-300]]],
  ['bytes', 'bytes', [[new Uint8Array(0)], [new Uint8Array([0, 1, 127, 128, 255])], [new Uint8Array(300).map((_, i) => i)]]],
  ['string (unicode, BOM kept)', 'string', [
    [''], ['a'], ['12345678'], ['1234567890123456'], ['vertex-42'], ['\u0000\u007f'], ['é'], ['中文'], ['😀'],
    ['\ufeffBOM kept'], ['a\ufeff'], [longString], ['x'.repeat(64)], ['y'.repeat(65)], ['ascii then é after eight'],
  ]],
  ['record: nested, enum, fixed, bytes, maps, arrays, logical types', everything, [
    [everythingValue], [{ ...everythingValue, work: null, others: [], scores: {}, nested: {}, nulls: [] }]]],
  ['map with a "__proto__" key (an own property)', { type: 'map', values: 'long' }, [[JSON.parse('{"__proto__": 7, "b": 2}')]]],
  ['recursive list', list, [[{ value: 1, next: null }], [chain]]],
  ['recursive tree', tree, [[{ label: 'root', children: [{ label: 'a', children: [] }, { label: 'b', children: [{ label: 'c', children: [] }] }] }]]],
  ['union ["null", T]', ['null', 'string'], [['x'], [null]]],
  ['union [T, "null"]', ['long', 'null'], [[2n ** 62n], [null], [-5]]],
  ['union ["null"]', ['null'], [[null]]],
  ['union [T]', ['int'], [[{ int: 3 }]]],
  ['union of primitives', ['int', 'string'], [[{ int: -7 }], [{ string: 'é' }]]],
  ['union of three with null', ['null', 'int', 'string'], [[null], [{ int: 1 }], [{ string: 's' }]]],
  ['union of named types (full names)', [point, { type: 'enum', name: 'E', namespace: 'geo', symbols: ['A'] }, { type: 'fixed', name: 'F', size: 2 }, 'bytes'], [
    [{ 'geo.P': { x: 1.25 } }], [{ 'geo.E': 'A' }], [{ F: new Uint8Array([1, 2]) }], [{ bytes: new Uint8Array([3]) }]]],
  ['union of array, map and null', [{ type: 'array', items: 'int' }, { type: 'map', values: ['null', 'boolean'] }, 'null'], [
    [{ array: [1, 2] }], [{ map: { a: true, b: null } }], [null]]],
  ['nullable record with a union field', ['null', { type: 'record', name: 'Q', fields: [{ name: 'u', type: ['float', 'double'] }] }], [
    [{ u: { double: -0 } }], [null]]],
];

const chainOfRecords = { type: 'record', name: 'L', fields: [{ name: 'next', type: ['null', 'L'] }] };

/** The zig-zag varint of `n` (a BigInt). */
export function varint(n) {
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

/** [schema, bytes, what the JS error says]: refused by both decoders. */
export const malformed = [
  ['string', [...varint(2n ** 60n), 0x61], /length/],
  ['string', [...varint(-1n)], /length/],
  ['bytes', [...varint(2n ** 62n)], /length/],
  ['bytes', [...varint(5n), 1, 2], /length/],
  [{ type: 'array', items: 'long' }, [...varint(2n ** 62n), 0], /block/],
  [{ type: 'array', items: 'long' }, [...varint(-(2n ** 40n)), ...varint(2n), 0, 0], /block|length/],
  [{ type: 'array', items: 'long' }, [...varint(-(2n ** 63n))], /end of input/], // the block's byte size is missing
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
  ['string', [...varint(2n), 0xc3, 0x28], /UTF-8/], // a bad continuation byte
  ['string', [...varint(2n), 0xc0, 0x80], /UTF-8/], // overlong
  ['string', [...varint(3n), 0xed, 0xa0, 0x80], /UTF-8/], // a surrogate
  ['string', [...varint(3n), 0xf0, 0x9f, 0x98], /UTF-8/], // a truncated 4-byte sequence
  ['string', [...varint(4n), 0xf4, 0x90, 0x80, 0x80], /UTF-8/], // beyond U+10FFFF
  ['string', [...varint(9n), 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0xff], /UTF-8/],
  [chainOfRecords, [...Array(128).fill(2), 0], /nested deeper than 128/], // 129 records
  [chainOfRecords, [...Array(99999).fill(2), 0], /nested deeper than 128/],
];

/** A small deterministic PRNG (mulberry32). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const fuzzSchema = {
  type: 'record', name: 'F', fields: [
    { name: 'a', type: 'long' }, { name: 'b', type: 'string' }, { name: 'c', type: ['null', 'int', 'F'] },
    { name: 'd', type: { type: 'array', items: 'double' } }, { name: 'e', type: { type: 'map', values: 'boolean' } },
    { name: 'f', type: { type: 'enum', name: 'G', symbols: ['X', 'Y', 'Z'] } }, { name: 'g', type: 'bytes' },
    { name: 'h', type: 'float' }, { name: 'i', type: { type: 'fixed', name: 'H', size: 3 } },
  ],
};

export function randomValue(r, depth = 0) {
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

/**
 * Runs the whole suite with the wasm module's `AvroType` (the reference), the package's
 * `compileDecoder` and `ValueError`; returns what was checked and every disagreement found.
 */
export function runAgreement({ WasmAvroType, compileDecoder, ValueError, fuzzValues = 300, seed = 20261122 }) {
  const failures = [];
  const counts = { values: 0, malformed: 0, truncated: 0, corrupted: 0, corruptedAccepted: 0 };
  const pair = (schema) => {
    const wasm = new WasmAvroType(JSON.stringify(schema));
    const js = compileDecoder(wasm.canonicalForm);
    if (typeof js !== 'function') throw new Error(`no JS decoder for ${wasm.canonicalForm}`);
    return { wasm, js };
  };
  /** Decodes both ways; returns {value} or {error}, recording any disagreement. */
  const agree = ({ wasm, js }, bytes, what) => {
    let a; let b; let ea; let eb;
    try { a = js(bytes); } catch (e) { ea = e; }
    try { b = wasm.fromBuffer(bytes); } catch (e) { eb = e; }
    if (ea || eb) {
      if (!(ea && eb)) failures.push(`${what}: only one decoder refused ${hex(bytes)}: js ${ea?.message ?? 'accepted'}, wasm ${eb?.message ?? 'accepted'}`);
      else if (!(ea instanceof ValueError && ea.code === 'bad-bytes')) failures.push(`${what}: the JS error is not a ValueError "bad-bytes": ${ea}`);
      return { error: ea ?? eb };
    }
    const d = same(a, b);
    if (d) failures.push(`${what} ${hex(bytes)}: JS vs wasm: ${d}`);
    return { value: a };
  };

  for (const [name, schema, values] of shapes) {
    const p = pair(schema);
    for (const [value, expected = value] of values) {
      const bytes = p.wasm.toBuffer(value);
      const { value: got, error } = agree(p, bytes, name);
      counts.values++;
      if (error) { failures.push(`${name}: ${show(value)} did not decode: ${error.message}`); continue; }
      const d = same(got, expected);
      if (d) failures.push(`${name}: not the expected value: ${d}`);
    }
  }

  for (const [schema, bytes, message] of malformed) {
    const p = pair(schema);
    const what = `${JSON.stringify(schema).slice(0, 60)} ${hex(bytes).slice(0, 40)}`;
    const start = Date.now();
    const { error } = agree(p, Uint8Array.from(bytes), what);
    counts.malformed++;
    if (!error) failures.push(`${what}: decoded`);
    else if (!message.test(error.message)) failures.push(`${what}: "${error.message}" does not match ${message}`);
    if (Date.now() - start > 1000) failures.push(`${what}: took ${Date.now() - start} ms`);
  }

  const p = pair(fuzzSchema);
  const r = rng(seed);
  for (let i = 0; i < fuzzValues; i++) {
    const bytes = p.wasm.toBuffer(randomValue(r));
    if (agree(p, bytes, 'random value').error) failures.push(`random value ${hex(bytes)} did not decode`);
    for (let cut = 0; cut < bytes.length; cut += 1 + Math.floor(r() * 3)) {
      counts.truncated++;
      if (!agree(p, bytes.subarray(0, cut), `truncated at ${cut}`).error) failures.push(`${hex(bytes)} truncated at ${cut} decoded`);
    }
    if (!agree(p, Uint8Array.from([...bytes, 0]), 'a trailing byte').error) failures.push(`${hex(bytes)} + a trailing byte decoded`);
    for (let k = 0; k < 10; k++) {
      const bad = Uint8Array.from(bytes);
      const flips = 1 + Math.floor(r() * 3);
      for (let f = 0; f < flips; f++) bad[Math.floor(r() * bad.length)] = Math.floor(r() * 256);
      counts.corrupted++;
      if (!agree(p, bad, 'corrupted').error) counts.corruptedAccepted++;
    }
  }
  return { counts, failures };
}
