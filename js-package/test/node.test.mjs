// The client's API in Node (node --test), against a live graph example node.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  connect, AvroType, schemaToTypeScript, AffinityError, ValueError, SchemaError, HttpError,
  ServerError,
} from '../dist/node.js';
import { freePort, startNode, until, http } from './node-server.mjs';

let node; let port; let dataDir; let client;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'affinity-node-test-'));
  port = await freePort();
  node = await startNode({ port, dataDir });
  client = await connect(`ws://127.0.0.1:${port}/live`, { reconnectMinMs: 50, reconnectMaxMs: 500 });
  await client.waitFor('open', 10000);
});

after(async () => {
  client?.close();
  await node?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Subscribes and records every value; `latest()` is the last one. */
function record(keyspace, state, key) {
  const seen = [];
  const errors = [];
  const sub = client.subscribe(keyspace, state, key, (v, info) => seen.push({ v, info }), (e) => errors.push(e));
  return { sub, seen, errors, latest: () => seen.at(-1) };
}

test('a subscription gets the absent value, then each change, in order', async () => {
  const v10 = record('graph', 'vertices', 10);
  await until('the first (absent) value', () => v10.seen.length >= 1);
  assert.equal(v10.seen[0].v, null);
  assert.equal(v10.seen[0].info.deleted, true);

  await http(node.base, 'PUT', '/vertex/10', { name: 'ten' });
  await until('vertex 10', () => v10.latest()?.v?.name === 'ten');
  assert.deepEqual(v10.latest().v, { id: 10, name: 'ten', edges: [], component: 10 });
  assert.equal(v10.latest().info.deleted, false);
  assert.equal(typeof v10.latest().info.schemaId, 'number');

  await http(node.base, 'PUT', '/vertex/10', { name: 'TEN' });
  await until('the rename', () => v10.latest()?.v?.name === 'TEN');
  const offsets = v10.seen.slice(1).map((s) => Number(s.info.offset));
  assert.deepEqual([...offsets].sort((a, b) => a - b), offsets, 'offsets increase');
  v10.sub.close();
  assert.equal(v10.sub.closed, true);
  await http(node.base, 'PUT', '/vertex/10', { name: 'after close' });
  await new Promise((r) => setTimeout(r, 300));
  assert.notEqual(v10.latest().v.name, 'after close', 'no value after close()');
});

test('components merge and the absorbed one is deleted', async () => {
  await http(node.base, 'PUT', '/vertex/21', { name: 'a' });
  await http(node.base, 'PUT', '/vertex/22', { name: 'b' });
  const c21 = record('graph', 'components', 21);
  const c22 = record('graph', 'components', 22);
  await until('both components', () => c21.latest()?.v && c22.latest()?.v);
  assert.deepEqual(c22.latest().v.members, [22]);
  await http(node.base, 'POST', '/connect/21/22');
  await until('the merge', () => c21.latest()?.v?.members?.length === 2);
  assert.deepEqual(c21.latest().v, { id: 21, members: [21, 22] });
  await until('component 22 deleted', () => c22.latest()?.v === null);
  assert.equal(c22.latest().info.deleted, true);
  c21.sub.close(); c22.sub.close();
});

test('HTTP helpers speak Avro, keep longs beyond 2^53 exact, and map errors', async () => {
  const big = 2n ** 60n + 7n;
  const v = await client.put(`/vertex/${big}`, { name: 'big' });
  assert.equal(v.id, big);
  assert.equal(typeof v.id, 'bigint');
  assert.deepEqual(await client.get(`/vertex/${big}`), { id: big, name: 'big', edges: [], component: big });
  const sub = record('graph', 'vertices', big);
  await until('the big vertex', () => sub.latest()?.v?.id === big);
  sub.sub.close();
  assert.equal(await client.get('/vertex/999999'), null);
  await assert.rejects(client.put('/vertex/1', { nom: 'x' }), (e) =>
    e instanceof HttpError && e instanceof AffinityError && e.code === 'http-status' && e.status === 400);
});

test('HTTP bodies go as Avro binary when their type is given', async () => {
  const vertexData = { type: 'record', name: 'VertexData', namespace: 'com.example.graph', fields: [{ name: 'name', type: 'string' }] };
  const VertexData = new AvroType(JSON.stringify(vertexData));
  assert.deepEqual(await client.put('/vertex/61', { name: 'sixty-one' }, { type: VertexData }),
    { id: 61, name: 'sixty-one', edges: [], component: 61 });
  assert.equal((await client.put('/vertex/61', { name: 'as an object' }, { type: vertexData })).name, 'as an object');
  // The same bytes under another field name: only a binary body is read this way (as JSON,
  // {"label": …} lacks the field "name" and is refused).
  const label = JSON.stringify({ type: 'record', name: 'L', fields: [{ name: 'label', type: 'string' }] });
  assert.equal((await client.put('/vertex/61', { label: 'binary' }, { type: label })).name, 'binary');
  await assert.rejects(client.put('/vertex/61', { label: 'json' }), (e) => e instanceof HttpError && e.status === 400);
  // A body that does not fit its type is refused before anything is sent.
  await assert.rejects(client.put('/vertex/61', { nom: 'x' }, { type: VertexData }),
    (e) => e instanceof ValueError && e.code === 'invalid-value' && /name/.test(e.message));
  // Bytes of a type the handler cannot read: the node answers 400.
  const wrong = JSON.stringify({ type: 'record', name: 'W', fields: [{ name: 'n', type: 'long' }] });
  await assert.rejects(client.put('/vertex/61', { n: 5 }, { type: wrong }), (e) => e instanceof HttpError && e.status === 400);
  assert.equal((await client.get('/vertex/61')).name, 'binary');
});

test('bad keys and unknown states are errors with codes', async () => {
  const bad = record('graph', 'vertices', 'not a number');
  await until('the key error', () => bad.errors.length === 1);
  assert.ok(bad.errors[0] instanceof ValueError);
  assert.equal(bad.errors[0].code, 'invalid-value');
  const unknown = record('graph', 'nope', 1);
  await until('the state error', () => unknown.errors.length === 1);
  assert.ok(unknown.errors[0] instanceof SchemaError);
  assert.equal(unknown.errors[0].code, 'unknown-state');
  assert.equal(bad.seen.length + unknown.seen.length, 0);
});

test('publish sends JS values to the key\'s handler; refused and invalid ones change nothing', async () => {
  await http(node.base, 'PUT', '/vertex/70', { name: 'seventy' });
  const v70 = record('graph', 'vertices', 70);
  await until('vertex 70', () => v70.latest()?.v?.name === 'seventy');
  await client.publish('graph', 70, { name: 'renamed' });
  await until('the published rename', () => v70.latest()?.v?.name === 'renamed');
  assert.deepEqual(v70.latest().v, { id: 70, name: 'renamed', edges: [], component: 70 });

  // The bytes path: a key and message encoded by the caller.
  const r = await fetch(`${node.base}/schemas/subjects/graph-published-value/versions/latest`);
  const Rename = new AvroType((await r.json()).schema);
  const Long = new AvroType('"long"');
  await client.publishEncoded('graph', Long.toBuffer(70), Rename.toBuffer({ name: 'as bytes' }));
  await until('the rename from bytes', () => v70.latest()?.v?.name === 'as bytes');
  const seen = v70.seen.length;
  // encodeKey gives a state key's bytes the same way (here a long, like the published key).
  assert.deepEqual(await client.encodeKey('graph', 'vertices', 70), Long.toBuffer(70));
  await assert.rejects(client.encodeKey('graph', 'nope', 70), (e) => e instanceof SchemaError && e.code === 'unknown-state');

  // Refused by the handler (no vertex 71: a rename does not create one): a ServerError with
  // the handler's reason.
  await assert.rejects(client.publish('graph', 71, { name: 'x' }), (e) =>
    e instanceof ServerError && e.code === 'bad-message' && /vertex 71 does not exist/.test(e.message));
  assert.equal(await client.get('/vertex/71'), null);
  // Values that do not fit the published schemas: nothing is sent.
  await assert.rejects(client.publish('graph', 70, { nom: 'x' }), (e) =>
    e instanceof ValueError && e.code === 'invalid-value' && /the message/.test(e.message));
  await assert.rejects(client.publish('graph', 'seventy', { name: 'x' }), (e) =>
    e instanceof ValueError && e.code === 'invalid-value' && /the key/.test(e.message));
  // A keyspace that accepts no published messages (here: none of that name).
  await assert.rejects(client.publish('nope', 70, { name: 'x' }), (e) =>
    e instanceof SchemaError && e.code === 'no-publish' && /nope/.test(e.message));
  // Bytes the node cannot read as the key type.
  await assert.rejects(client.publishEncoded('graph', new Uint8Array([0x80]), Rename.toBuffer({ name: 'x' })),
    (e) => e instanceof ServerError && e.code === 'bad-key');
  await assert.rejects(client.publishEncoded('graph', Long.toBuffer(70), new Uint8Array([0x7f])),
    (e) => e instanceof ServerError && e.code === 'bad-message');
  await new Promise((res) => setTimeout(res, 200));
  assert.equal(v70.seen.length, seen, 'no change after the refused publishes');
  assert.equal((await client.get('/vertex/70')).name, 'as bytes');

  // Keys beyond 2^53 as BigInt, exact.
  const big = 2n ** 60n + 70n;
  await client.put(`/vertex/${big}`, { name: 'big' });
  await client.publish('graph', big, { name: 'big, renamed' });
  assert.equal((await client.get(`/vertex/${big}`)).name, 'big, renamed');
  assert.equal((await client.get(`/vertex/${big + 1n}`)), null);

  // Publishes go onto the socket in the order they are called, even while the schemas are
  // still being fetched (a new client has none cached).
  const sent = [];
  const { WebSocket: WS } = await import('ws');
  class Recording extends WS {
    send(data, ...rest) { sent.push(Buffer.from(data).toString('latin1')); return super.send(data, ...rest); }
  }
  const fresh = await connect(`ws://127.0.0.1:${port}/live`, { WebSocket: Recording });
  try {
    await fresh.waitFor('open');
    await Promise.all(['first', 'second', 'third'].map((name) => fresh.publish('graph', 70, { name })));
    const at = (name) => sent.findIndex((frame) => frame.includes(name));
    assert.ok(at('first') >= 0 && at('first') < at('second') && at('second') < at('third'), String(sent.length));
  } finally {
    fresh.close();
  }
  v70.sub.close();
});

test('AvroType round-trips JS values like avsc, with BigInt beyond 2^53', () => {
  const t = new AvroType(JSON.stringify({
    type: 'record', name: 'R', fields: [
      { name: 'n', type: 'long' }, { name: 'b', type: 'bytes' },
      { name: 'o', type: ['null', 'string'], default: null },
      { name: 'u', type: ['int', 'string'] },
      { name: 'e', type: { type: 'enum', name: 'E', symbols: ['X', 'Y'] } },
      { name: 'm', type: { type: 'map', values: 'double' } },
    ],
  }));
  const value = { n: 2n ** 62n, b: new Uint8Array([1, 2, 255]), o: 'hi', u: { string: 's' }, e: 'Y', m: { a: 1.5 } };
  const back = t.fromBuffer(t.toBuffer(value));
  assert.deepEqual(back, value);
  assert.deepEqual(t.fromBuffer(t.toBuffer({ ...value, n: 5, o: undefined })), { ...value, n: 5, o: null });
  assert.throws(() => t.toBuffer({ ...value, e: 'Z' }), (e) => e instanceof ValueError && /e: "Z" is not a symbol/.test(e.message));
  const old = t.toBuffer(value);
  const d = t.delta(value, { ...value, e: 'X' });
  assert.ok(d.length < old.length);
  assert.equal(t.applyDelta(old, d).e, 'X');
});

test('schemaToTypeScript declares the graph types', async () => {
  const r = await fetch(`${node.base}/schemas/subjects/graph-vertices-value/versions/latest`);
  const { schema } = await r.json();
  const ts = schemaToTypeScript(schema, 'GraphVertex').replace(/ *\/\*\*[^]*?\*\/\n/g, '');
  assert.match(ts, /export interface Vertex \{\n {2}id: number \| bigint;\n {2}name: string;\n {2}edges: Array<number \| bigint>;\n {2}component: number \| bigint;\n\}/);
  // The published message's type, from its subject.
  const p = await fetch(`${node.base}/schemas/subjects/graph-published-value/versions/latest`);
  const rename = schemaToTypeScript((await p.json()).schema, 'GraphPublishedValue').replace(/ *\/\*\*[^]*?\*\/\n/g, '');
  assert.match(rename, /export interface Rename \{\n {2}name: string;\n\}/);
});

test('after the node restarts the subscription resumes without missing a change', async () => {
  await http(node.base, 'PUT', '/vertex/30', { name: 'before' });
  const v30 = record('graph', 'vertices', 30);
  const states = [];
  const off = client.onStateChange((s) => states.push(s));
  await until('vertex 30', () => v30.latest()?.v?.name === 'before');
  await node.stop();
  await until('the client to notice', () => client.state === 'reconnecting', 10000);
  node = await startNode({ port, dataDir });
  // changed before the client is back: the resume must bring it
  await http(node.base, 'PUT', '/vertex/30', { name: 'while away' });
  await until('the change made while reconnecting', () => v30.latest()?.v?.name === 'while away', 15000);
  await http(node.base, 'PUT', '/vertex/30', { name: 'after' });
  await until('a change after the reconnect', () => v30.latest()?.v?.name === 'after');
  assert.ok(states.includes('reconnecting') && states.at(-1) === 'open', states.join(','));
  off();
  v30.sub.close();
});
