// The subscription update path, for any JS engine: a real client (the package's `connect`) on a
// fake WebSocket and a fake fetch, fed Delta frames as fast as it takes them; each frame is
// applied by the session in wasm and reaches the subscriber as a JS value. Two clients in the
// same run: one decoding in JS (the package's path: wasm hands the new value's bytes to the
// generated decoder) and one decoding inside wasm (the value handed over as JSON: the path before,
// and the fallback where `new Function` is forbidden — forced here by hiding `Function` while
// its decoder would be compiled).
import { shapes } from './shapes.mjs';

const scratch = new Uint8Array(1 << 16);

/** Writes the zig-zag varint of a safe integer at `at`; returns the next position. */
function varint(at, n) {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  while (z >= 0x80) { scratch[at++] = (z % 0x80) | 0x80; z = Math.floor(z / 0x80); }
  scratch[at++] = z;
  return at;
}

/** A server frame: Snapshot (branch 0) or Delta (branch 1), as the bytes of one message. */
function frame(kind, fields, bytes) {
  scratch[0] = kind === 'snapshot' ? 0 : 2;
  let at = 1;
  for (const f of fields) at = varint(at, f);
  at = varint(at, bytes.length);
  scratch.set(bytes, at);
  return scratch.slice(0, at + bytes.length).buffer;
}

/** A WebSocket stand-in: remembers what the client sends; the bench calls its handlers. */
class FakeSocket {
  static last;
  constructor() { this.sent = []; FakeSocket.last = this; }
  send(data) { this.sent.push(new Uint8Array(data.buffer ? data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) : data)); }
  close() {}
}

/** A registry stand-in: the key schema ("long") and the value schema by id. */
function fakeFetch(schemas) {
  return async (url) => {
    const path = new URL(url).pathname;
    const id = path.match(/\/schemas\/schemas\/ids\/(\d+)$/);
    const schema = path.endsWith('-key/versions/latest') ? '"long"' : id ? schemas[id[1]] : undefined;
    const body = new TextEncoder().encode(JSON.stringify({ schema }));
    return {
      status: schema ? 200 : 404,
      headers: { get: (name) => (name === 'content-type' ? 'application/json' : null) },
      arrayBuffer: async () => body.buffer,
    };
  };
}

const settle = async (check, what) => {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`live bench: timed out waiting for ${what}`);
};

/** A client subscribed to one key whose value is `shape.value`; `update()` applies one delta. */
async function subscribed(connect, WasmAvroType, shape, schemaId, { forbidEval }) {
  // The wasm-side client gets the schema under another record name (the same values): the JS
  // decoder of the shape's own schema may be compiled and cached already.
  const schema = forbidEval ? { ...shape.schema, name: `${shape.schema.name}WasmSide` } : shape.schema;
  const json = JSON.stringify(schema);
  const type = new WasmAvroType(json); // encodes without compiling a JS decoder
  const client = await connect('ws://bench.invalid/live', { WebSocket: FakeSocket, fetch: fakeFetch({ [schemaId]: json }) });
  const ws = FakeSocket.last;
  ws.onopen();
  let latest;
  let count = 0;
  client.subscribe('bench', 'values', 1, (v) => { latest = v; count++; }, (e) => { throw e; });
  await settle(() => ws.sent.some((m) => m[0] === 0), 'the Subscribe frame');
  const subscribe = ws.sent.find((m) => m[0] === 0);
  const sub = (subscribe[1] >> 1) ^ -(subscribe[1] & 1); // small ids: one byte
  let offset = 1;
  const original = globalThis.Function;
  if (forbidEval) globalThis.Function = function Forbidden() { throw new EvalError('unsafe-eval is not allowed'); };
  try {
    ws.onmessage({ data: frame('snapshot', [sub, offset, schemaId], type.toBuffer(shape.value)) });
    await settle(() => count === 1, 'the snapshot value');
  } finally {
    globalThis.Function = original;
  }
  const next = shape.change(shape.value);
  const deltas = [type.delta(shape.value, next), type.delta(next, shape.value)];
  const expected = [next, shape.value];
  return {
    client,
    check() {
      for (let i = 0; i < 2; i++) {
        this.update();
        if (JSON.stringify(latest, (_, x) => (typeof x === 'bigint' ? `${x}` : x)) !== JSON.stringify(expected[(offset - 2) % 2])) {
          throw new Error(`${shape.name}: the subscriber did not get the changed value`);
        }
      }
    },
    update() {
      const base = offset++;
      ws.onmessage({ data: frame('delta', [sub, offset, base, schemaId], deltas[(offset - 2) % 2]) });
      return latest;
    },
  };
}

/** Cases for bench.mjs's runner: a subscription update per shape, JS decoder vs wasm-side. */
export async function liveCases({ connect, WasmAvroType }) {
  const cases = [];
  let id = 100;
  for (const shape of shapes) {
    const wasmSide = await subscribed(connect, WasmAvroType, shape, id++, { forbidEval: true });
    const js = await subscribed(connect, WasmAvroType, shape, id++, { forbidEval: false });
    js.check();
    wasmSide.check();
    const bytes = new WasmAvroType(JSON.stringify(shape.schema)).delta(shape.value, shape.change(shape.value)).length;
    cases.push({ shape: shape.name, what: 'subscription update', lib: 'affinity', bytes, fn: () => js.update(), close: () => js.client.close() });
    cases.push({ shape: shape.name, what: 'subscription update', lib: 'wasm-side', bytes, fn: () => wasmSide.update(), close: () => wasmSide.client.close() });
  }
  return cases;
}
