// Avro binary → plain JS values on the JS side: a decoder generated once per writer schema (JS
// source compiled with `new Function`, the way avsc does it), so that a value does not cross the
// wasm↔JS boundary property by property. Imported by the wasm module (src/decode.rs) and
// re-exported by @affinity/client.
//
// It gives exactly the JS mapping of src/convert.rs (records → plain objects; `long` → number
// within ±(2^53 − 1), else BigInt, never rounded; bytes/fixed → Uint8Array; enums → their
// symbol; maps → plain objects with own properties; nullable unions unwrapped, other unions
// `{ "<branch>": value }`; logical types as their underlying type), and it accepts and rejects
// exactly the bytes that affinity-avro's `decode_value` does: booleans are 0 or 1, ints fit 32
// bits, varints are at most 10 bytes, strings are valid UTF-8, enum and union indexes are in
// range, records nest at most 128 deep, trailing bytes are an error, and every length or item
// count is checked against the bytes left before anything is allocated (items that may encode to
// nothing count against 2^20 per input), so truncated input or an absurd length fails at once
// with a ValueError ("bad-bytes") instead of allocating.
//
// Where `new Function` is forbidden (a Content-Security-Policy without 'unsafe-eval'),
// `compileDecoder` returns null and the callers decode inside wasm instead (the same mapping).
import { ValueError } from './errors.js';

/** How deeply records may nest (affinity-avro's binary::MAX_DEPTH). */
const MAX_DEPTH = 128;
/** Items that may encode to no bytes, per input (affinity-avro's binary::MAX_ZERO_SIZE_ITEMS). */
const MAX_ZERO_SIZE_ITEMS = 1 << 20;
const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

// The reading primitives, shared by every generated decoder. They are source text (not
// functions of this module) because they share the decoder's state as closure variables
// (`b` the bytes, `p` the position, `n` their length), which V8 reads fastest; a bundler's
// minifier does not touch them inside a string.
const RUNTIME = `
let b = EMPTY, p = 0, n = 0, depth = 0, zero = 0;
const sv = new DataView(new ArrayBuffer(8)), sb = new Uint8Array(sv.buffer);
const fcc = String.fromCharCode;
function eof() { throw fail('unexpected end of input at byte ' + n); }
function longSlow() {
  const start = p;
  let lo = 0, shift = 0, x;
  do {
    if (p >= n) eof();
    x = b[p++];
    lo |= (x & 0x7f) << shift;
    shift += 7;
  } while (x >= 0x80 && shift < 28);
  if (x < 0x80) return (lo >>> 1) ^ -(lo & 1);
  let hi = 0, scale = 1;
  for (;;) {
    if (p >= n) eof();
    x = b[p++];
    if (shift === 63 && x > 1) throw fail('a varint longer than 64 bits at byte ' + start);
    hi += (x & 0x7f) * scale;
    if (x < 0x80) break;
    scale *= 128;
    shift += 7;
  }
  if (hi < 33554432) {
    const z = lo + hi * 268435456;
    return lo & 1 ? -(z + 1) / 2 : z / 2;
  }
  const z = (BigInt(hi) << 28n) | BigInt(lo);
  const v = (z >> 1n) ^ -(z & 1n);
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}
function long() {
  const x = b[p];
  if (x < 0x80) { p++; return (x >>> 1) ^ -(x & 1); }
  return longSlow();
}
function int() {
  const x = b[p];
  if (x < 0x80) { p++; return (x >>> 1) ^ -(x & 1); }
  const v = longSlow();
  if (typeof v !== 'number' || v < -2147483648 || v > 2147483647) throw fail('int out of range: ' + v);
  return v;
}
function bool() {
  const x = b[p];
  if (x === 1) { p++; return true; }
  if (x === 0) { p++; return false; }
  if (p >= n) eof();
  throw fail('invalid boolean byte ' + x);
}
function len() {
  const at = p;
  const v = long();
  if (typeof v !== 'number' || v < 0 || v > n - p) throw fail('length ' + v + ' at byte ' + at + ' exceeds the ' + (n - p) + ' bytes left');
  return v;
}
function idx(count, what) {
  const v = long();
  if (typeof v !== 'number' || v < 0 || v >= count) throw fail(what + ' index ' + v + ' out of range (' + count + ')');
  return v;
}
function block(min) {
  const at = p;
  const raw = long();
  if (raw === 0) return 0;
  if (raw < 0) len();
  const count = raw < 0 ? -raw : raw;
  if (min === 0) {
    zero += typeof count === 'number' ? count : Infinity;
    if (zero > ${MAX_ZERO_SIZE_ITEMS}) throw fail('more than ${MAX_ZERO_SIZE_ITEMS} empty items');
  } else if (typeof count !== 'number' || count * min > n - p) {
    throw fail('a block of ' + raw + ' items at byte ' + at + ' exceeds the ' + (n - p) + ' bytes left');
  }
  return count;
}
function f32() {
  if (p + 4 > n) eof();
  sb[0] = b[p]; sb[1] = b[p + 1]; sb[2] = b[p + 2]; sb[3] = b[p + 3];
  p += 4;
  return sv.getFloat32(0, true);
}
function f64() {
  if (p + 8 > n) eof();
  sb[0] = b[p]; sb[1] = b[p + 1]; sb[2] = b[p + 2]; sb[3] = b[p + 3];
  sb[4] = b[p + 4]; sb[5] = b[p + 5]; sb[6] = b[p + 6]; sb[7] = b[p + 7];
  p += 8;
  return sv.getFloat64(0, true);
}
function utf8(s, e) {
  try { return TD.decode(b.subarray(s, e)); } catch { throw fail('invalid UTF-8 in the string at byte ' + s); }
}
function str() {
  const l = len(), s = p, e = p + l;
  p = e;
  if (l > 64) return utf8(s, e);
  let o = '', i = s;
  for (; i + 8 <= e; i += 8) {
    const c0 = b[i], c1 = b[i + 1], c2 = b[i + 2], c3 = b[i + 3], c4 = b[i + 4], c5 = b[i + 5], c6 = b[i + 6], c7 = b[i + 7];
    if ((c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7) >= 0x80) return utf8(s, e);
    o += fcc(c0, c1, c2, c3, c4, c5, c6, c7);
  }
  for (; i < e; i++) {
    const c = b[i];
    if (c >= 0x80) return utf8(s, e);
    o += fcc(c);
  }
  return o;
}
function fixed(size) {
  if (p + size > n) eof();
  p += size;
  return b.slice(p - size, p);
}
function bytes() { return fixed(len()); }
function own(o, k, v) {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  else o[k] = v;
}
function enter() { if (++depth > ${MAX_DEPTH}) throw fail('records nested deeper than ${MAX_DEPTH}'); }
`;

/** A JS object key: a bare identifier where possible, `__proto__` as a computed key. */
function key(name) {
  if (name === '__proto__') return '["__proto__"]';
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

/**
 * The decoder's JS source for a schema in Parsing Canonical Form (named types defined once, by
 * full name, and referenced by it after). Returns the source of a function body taking
 * (fail, TD, EMPTY, asBytes) and returning `decode(bytes)`.
 */
export function decoderSource(schema) {
  const named = new Map(); // full name → its definition
  const code = []; // top-level declarations
  let nextId = 0;
  const fresh = (prefix) => `${prefix}${nextId++}`;

  // First pass: every named definition, so that references (also recursive ones) resolve.
  const collect = (t) => {
    if (typeof t === 'string') return;
    if (Array.isArray(t)) { t.forEach(collect); return; }
    if (t.type === 'record' || t.type === 'enum' || t.type === 'fixed') {
      if (named.has(t.name)) throw new Error(`the schema defines ${t.name} twice`);
      named.set(t.name, { def: t });
    }
    if (t.type === 'record') t.fields.forEach((f) => collect(f.type));
    else if (t.type === 'array') collect(t.items);
    else if (t.type === 'map') collect(t.values);
  };
  collect(schema);
  const resolve = (t) => {
    if (typeof t === 'string' && !PRIMITIVES.has(t)) {
      const d = named.get(t);
      if (!d) throw new Error(`unknown type ${t}`);
      return d.def;
    }
    return t;
  };
  const kindOf = (t) => (typeof t === 'string' ? t : Array.isArray(t) ? 'union' : t.type);

  // The fewest bytes a value encodes to, exactly as affinity-avro's Schema::min_size (a record
  // met again while its fields are visited counts zero).
  const minMemo = new Map();
  const minSize = (t0) => {
    const t = resolve(t0);
    switch (kindOf(t)) {
      case 'null': return 0;
      case 'float': return 4;
      case 'double': return 8;
      case 'fixed': return t.size;
      case 'record': {
        if (minMemo.has(t)) return minMemo.get(t) ?? 0;
        minMemo.set(t, undefined);
        const m = t.fields.reduce((s, f) => s + minSize(f.type), 0);
        minMemo.set(t, m);
        return m;
      }
      default: return 1;
    }
  };

  // Whether records must count their depth: a recursive schema, or one nested deeper than the
  // limit (otherwise the schema itself bounds the depth).
  // (A DFS with finished records memoised: exact for acyclic schemas, and any cycle is seen.)
  let track = false;
  const depths = new Map();
  const depthOf = (t0, open) => {
    const t = resolve(t0);
    switch (kindOf(t)) {
      case 'record': {
        if (open.has(t)) { track = true; return 0; }
        if (depths.has(t)) return depths.get(t);
        open.add(t);
        const d = 1 + Math.max(0, ...t.fields.map((f) => depthOf(f.type, open)));
        open.delete(t);
        depths.set(t, d);
        return d;
      }
      case 'array': return depthOf(t.items, open);
      case 'map': return depthOf(t.values, open);
      case 'union': return Math.max(0, ...t.map((u) => depthOf(u, open)));
      default: return 0;
    }
  };
  if (depthOf(schema, new Set()) > MAX_DEPTH) track = true;

  const branchName = (t0) => {
    const t = resolve(t0);
    const k = kindOf(t);
    return k === 'record' || k === 'enum' || k === 'fixed' ? t.name : k;
  };

  // A JS expression reading one value of type `t0`.
  const expr = (t0) => {
    const t = resolve(t0);
    switch (kindOf(t)) {
      case 'null': return 'null';
      case 'boolean': return 'bool()';
      case 'int': return 'int()';
      case 'long': return 'long()';
      case 'float': return 'f32()';
      case 'double': return 'f64()';
      case 'bytes': return 'bytes()';
      case 'string': return 'str()';
      case 'fixed': return `fixed(${Number(t.size)})`;
      case 'enum': {
        const d = named.get(t.name);
        if (!d.id) {
          d.id = fresh('e');
          code.push(`const ${d.id} = ${JSON.stringify(t.symbols)};`);
        }
        return `${d.id}[idx(${t.symbols.length}, 'enum')]`;
      }
      case 'record': {
        const d = named.get(t.name);
        if (!d.id) {
          d.id = fresh('r');
          const props = t.fields.map((f) => `${key(f.name)}: ${expr(f.type)}`).join(', ');
          code.push(track
            ? `function ${d.id}() { enter(); const v = { ${props} }; depth--; return v; }`
            : `function ${d.id}() { return { ${props} }; }`);
        }
        return `${d.id}()`;
      }
      case 'array': {
        const id = fresh('a');
        code.push(`function ${id}() { const o = []; let c; while ((c = block(${minSize(t.items)})) !== 0) { for (let i = 0; i < c; i++) o.push(${expr(t.items)}); } return o; }`);
        return `${id}()`;
      }
      case 'map': {
        const id = fresh('m');
        code.push(`function ${id}() { const o = {}; let c; while ((c = block(${1 + minSize(t.values)})) !== 0) { for (let i = 0; i < c; i++) { const k = str(); own(o, k, ${expr(t.values)}); } } return o; }`);
        return `${id}()`;
      }
      case 'union': {
        const kinds = t.map((u) => kindOf(resolve(u)));
        const nulls = kinds.filter((k) => k === 'null').length;
        if (t.length === 2 && nulls >= 1) {
          const other = kinds[0] === 'null' ? 1 : 0;
          return `(idx(2, 'union') === ${other} ? ${expr(t[other])} : null)`;
        }
        const id = fresh('u');
        const cases = t.map((u, i) => (kinds[i] === 'null'
          ? `case ${i}: return null;`
          : `case ${i}: return { ${key(branchName(u))}: ${expr(u)} };`));
        code.push(`function ${id}() { switch (idx(${t.length}, 'union')) { ${cases.join(' ')} } }`);
        return `${id}()`;
      }
      default: throw new Error(`unknown type ${JSON.stringify(t)}`);
    }
  };
  const root = expr(schema);
  return `"use strict";
${RUNTIME}
${code.join('\n')}
return function decode(input) {
  b = !input || input.constructor !== Uint8Array ? asBytes(input) : input;
  p = 0; n = b.length; depth = 0; zero = 0;
  try {
    const v = ${root};
    if (p !== n) throw fail((n - p) + ' trailing bytes after the value');
    return v;
  } finally { b = EMPTY; }
};`;
}

/** `bytes` as a plain Uint8Array (a Buffer's `slice` would share memory, not copy it). */
function asBytes(bytes) {
  if (bytes instanceof Uint8Array) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  throw new ValueError('bad-bytes', 'expected the Avro bytes as a Uint8Array, Buffer or ArrayBuffer');
}

function fail(message) {
  return new ValueError('bad-bytes', `invalid Avro bytes: ${message}`);
}

let textDecoder;
const compiled = new Map();
/** Compiled decoders kept per schema; past this many, the cache starts over. */
const CACHE_LIMIT = 512;

/**
 * A decoder for values written with `canonicalSchema` (Parsing Canonical Form, as the wasm
 * module's `AvroType.canonicalForm` or a `Schema::canonical_form`): `decode(bytes: Uint8Array)`
 * returns the JS value or throws a ValueError ("bad-bytes"). Compiled once per schema (cached).
 * Returns null where `new Function` is forbidden (Content-Security-Policy): decode in wasm then.
 */
export function compileDecoder(canonicalSchema) {
  let decode = compiled.get(canonicalSchema);
  if (decode !== undefined) return decode;
  const source = decoderSource(JSON.parse(canonicalSchema));
  try {
    textDecoder ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    // eslint-disable-next-line no-new-func
    decode = new Function('fail', 'TD', 'EMPTY', 'asBytes', source)(fail, textDecoder, new Uint8Array(0), asBytes);
  } catch (e) {
    if (e instanceof EvalError) return null;
    throw e;
  }
  if (compiled.size >= CACHE_LIMIT) compiled.clear();
  compiled.set(canonicalSchema, decode);
  return decode;
}
