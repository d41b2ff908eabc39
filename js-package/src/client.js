// The typed facade over the wasm module: shared by the browser (index.js) and Node (node.js)
// entry points, which load the wasm first.
import { Client as WasmClient, AvroType as WasmAvroType, schemaToTypeScript } from './wasm/affinity_wasm.js';
import { compileDecoder } from './avro.js';
import { AffinityError, ConnectionError, SchemaError } from './errors.js';

export { schemaToTypeScript };
export * from './errors.js';

/**
 * An Avro schema's codec for JS values (like avsc's Type). Encoding and deltas run in wasm;
 * decoding runs in JS, with a decoder generated once for the schema (see avro.js), or in wasm
 * where the page forbids `new Function` (Content-Security-Policy without 'unsafe-eval').
 */
export class AvroType {
  #wasm;
  #decode;
  constructor(schemaJson) {
    this.#wasm = new WasmAvroType(schemaJson);
    this.#decode = compileDecoder(this.#wasm.canonicalForm);
  }
  /** The schema's Parsing Canonical Form. */
  get canonicalForm() { return this.#wasm.canonicalForm; }
  /** Encodes a JS value. */
  toBuffer(value) { return this.#wasm.toBuffer(value); }
  /** Decodes Avro binary written with this schema. */
  fromBuffer(bytes) { return this.#decode ? this.#decode(bytes) : this.#wasm.fromBuffer(bytes); }
  /** The delta from `oldValue` to `newValue`. */
  delta(oldValue, newValue) { return this.#wasm.delta(oldValue, newValue); }
  /** Applies `delta` to the value encoded as `oldBytes`; returns the new value. */
  applyDelta(oldBytes, delta) {
    if (!this.#decode) return this.#wasm.applyDelta(oldBytes, delta);
    return this.#decode(this.#wasm.applyDeltaBytes(oldBytes, delta));
  }
  /** Frees the wasm side now (otherwise the garbage collector does). */
  free() { this.#wasm.free(); }
}

/** A live subscription to one key. */
export class Subscription {
  #inner;
  constructor(inner) { this.#inner = inner; }
  /** Ends the subscription: its callback is not called after this returns. */
  close() { this.#inner.close(); }
  /** Whether it has ended (closed, or ended by an error). */
  get closed() { return this.#inner.closed; }
}

/** A connection to an Affinity node. */
export class Client {
  #inner;
  constructor(inner) { this.#inner = inner; }

  /** "connecting" | "open" | "reconnecting" | "closed" */
  get state() { return this.#inner.state; }
  /** The base URL of HTTP calls. */
  get httpUrl() { return this.#inner.httpUrl; }

  /** Calls `listener(state)` on every connection state change; returns a function that stops it. */
  onStateChange(listener) {
    const id = this.#inner.onStateChange(listener);
    return () => this.#inner.offStateChange(id);
  }

  /** Resolves once the state is `state` (default "open"), or rejects after `timeoutMs`. */
  waitFor(state = 'open', timeoutMs = 10000) {
    if (this.state === state) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const off = this.onStateChange((s) => {
        if (s === state) { clearTimeout(timer); off(); resolve(); }
      });
      const timer = setTimeout(() => {
        off();
        reject(new ConnectionError('timeout', `the connection was not ${state} within ${timeoutMs} ms (it is ${this.state})`));
      }, timeoutMs);
    });
  }

  /**
   * Subscribes to `key` of `state` in `keyspace`. `onValue(value, info)` is called with the
   * current value, then with every change; `value` is `null` when the key has none (deleted
   * or never written). `onError(error)` gets errors that end or concern the subscription.
   */
  subscribe(keyspace, state, key, onValue, onError) {
    if (typeof onValue !== 'function') throw new TypeError('subscribe: onValue must be a function');
    const errors = onError ?? ((e) => console.error(`@affinity/client: subscription ${keyspace}/${state}:`, e));
    return new Subscription(this.#inner.subscribe(keyspace, state, key, onValue, errors));
  }

  /** The Avro bytes of `key` for `state` in `keyspace` (its key schema comes from the node). */
  encodeKey(keyspace, state, key) {
    return this.#encode(`${keyspace}-${state}-key`, key, 'key', 'unknown-state', `no key schema for ${keyspace}/${state}: no such keyspace or state`);
  }

  /** Sends `message` to the handler of `key` in `keyspace` (JS values); resolves once accepted. */
  publish(keyspace, key, message) {
    const encode = (part, value, what) => this.#encode(`${keyspace}-published-${part}`, value, what, 'no-publish',
      `keyspace ${keyspace} accepts no published messages (or does not exist)`);
    return this.#send(keyspace, () => Promise.all([encode('key', key, 'key'), encode('value', message, 'message')]));
  }

  /** `publish` with the key and message already Avro-encoded (Uint8Arrays). */
  publishEncoded(keyspace, key, message) { return this.#send(keyspace, () => [key, message]); }

  // Each publish is encoded after the earlier ones (schema fetches must not reorder them).
  #encoded = Promise.resolve();
  #send(keyspace, encode) {
    const encoded = this.#encoded.then(encode);
    this.#encoded = encoded.catch(() => {});
    return encoded.then(([key, message]) => this.#inner.publishEncoded(keyspace, key, message));
  }

  #encode(subject, value, what, code, missing) {
    return this.#inner.encodeSubject(subject, value, `the ${what}`).catch((e) => {
      throw e?.code === 'schema-not-found' ? new SchemaError(code, missing) : e;
    });
  }

  /**
   * An HTTP call: `body` goes as JSON, or as Avro binary when `options.type` gives its type (an
   * AvroType, or a schema as JSON text or object: the handler's request type); the answer comes
   * in Avro and is decoded.
   */
  request(method, path, body, options) {
    const type = options?.type;
    if (type === undefined || body === undefined) return this.#inner.request(method, path, body, undefined);
    let bytes;
    try {
      bytes = this.#type(type).toBuffer(body);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#inner.request(method, path, undefined, bytes);
  }
  /** GET `path`: the decoded value, or `null` on 404. */
  get(path) { return this.request('GET', path, undefined); }
  /** PUT `body` to `path` (as Avro binary when `options.type` is given). */
  put(path, body, options) { return this.request('PUT', path, body, options); }
  /** POST `body` (optional) to `path` (as Avro binary when `options.type` is given). */
  post(path, body, options) { return this.request('POST', path, body, options); }
  /** DELETE `path`. */
  delete(path) { return this.request('DELETE', path, undefined); }

  #types = new Map();
  /** An AvroType for `type` (one, or a schema as JSON text or object; parsed once, kept for a while). */
  #type(type) {
    if (type instanceof AvroType) return type;
    const json = typeof type === 'string' ? type : JSON.stringify(type);
    let t = this.#types.get(json);
    if (!t) {
      if (this.#types.size >= 64) this.#types.clear();
      t = new AvroType(json);
      this.#types.set(json, t);
    }
    return t;
  }

  /** Closes the connection and ends every subscription. */
  close() { this.#inner.close(); }
}

/** Creates a client (the wasm module must be loaded: the entry points do it). */
export function makeClient(url, options = {}) {
  try {
    return new Client(new WasmClient(url, options));
  } catch (e) {
    if (e instanceof AffinityError) throw e;
    throw new ConnectionError('bad-options', String(e?.message ?? e));
  }
}
