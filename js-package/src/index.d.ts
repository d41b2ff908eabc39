// Types of @affinity/client (the browser, bundler and Node entry points share them).

/**
 * A JS value of an Avro schema: records are plain objects, `long`s are `number`s within
 * ±(2^53 − 1) and `bigint`s beyond, `bytes`/`fixed` are `Uint8Array`s, enums their symbol,
 * maps plain objects, nullable unions unwrapped and other unions `{ "<branch>": value }`.
 * Generate precise types with `schemaToTypeScript` or the `affinity-typescript` CLI.
 */
export type AvroJs =
  | null | boolean | number | bigint | string | Uint8Array
  | AvroJs[] | { [key: string]: AvroJs };

/** The connection's state. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** What comes with each value of a subscription. */
export interface ValueInfo {
  /** The change's offset (changelog offset, or the node's local sequence); -1 if never written. */
  offset: number | bigint;
  /** The registry id of the writer schema (absent when deleted). */
  schemaId?: number;
  /** True when the key has no value (deleted, or never written). */
  deleted: boolean;
}

/** Options of `connect`. */
export interface ConnectOptions {
  /** A WebSocket constructor (default: the global one; in Node < 22 the `ws` package). */
  WebSocket?: unknown;
  /** A fetch function (default: the global one). */
  fetch?: typeof fetch;
  /** The base URL of HTTP calls and the schema registry (default: derived from the URL). */
  httpUrl?: string;
  /** The first reconnect delay (default 250 ms); doubles per failed attempt. */
  reconnectMinMs?: number;
  /** The longest reconnect delay (default 30 s). */
  reconnectMaxMs?: number;
  /** How often a Ping is sent (default 15 s). */
  pingIntervalMs?: number;
  /** How long without an answer before the connection counts as dead (default 10 s). */
  pongTimeoutMs?: number;
  /** Browser entry only: where to load the wasm from (URL, Response, bytes or module). */
  wasm?: unknown;
}

/** Options of an HTTP call with a body. */
export interface RequestOptions {
  /**
   * The body's Avro type — the handler's request type (the node decodes a binary body with it):
   * an AvroType, or a schema as JSON text or object. With it the body is sent as Avro binary
   * (`application/vnd.apache.avro+binary`); a body that does not fit it rejects with a
   * ValueError before anything is sent. Without it the body is sent as JSON.
   */
  type?: AvroType | string | object;
}

/** A live subscription to one key. */
export declare class Subscription {
  /** Ends the subscription: its callback is not called after this returns. */
  close(): void;
  /** Whether it has ended (closed, or ended by an error). */
  readonly closed: boolean;
}

/** A connection to an Affinity node. */
export declare class Client {
  /** The connection state. */
  readonly state: ConnectionState;
  /** The base URL of HTTP calls. */
  readonly httpUrl: string;
  /** Calls `listener` on every state change; returns a function that stops it. */
  onStateChange(listener: (state: ConnectionState) => void): () => void;
  /** Resolves once the state is `state` (default "open"); rejects after `timeoutMs` (default 10 s). */
  waitFor(state?: ConnectionState, timeoutMs?: number): Promise<void>;
  /**
   * Subscribes to `key` of `state` in `keyspace`: `onValue` gets the current value, then
   * every change (`null` when the key has none). Resumes after reconnects without missing a
   * change. `onError` gets errors that end or concern the subscription (default: console.error).
   */
  subscribe<V = AvroJs, K = AvroJs>(
    keyspace: string,
    state: string,
    key: K,
    onValue: (value: V | null, info: ValueInfo) => void,
    onError?: (error: AffinityError) => void,
  ): Subscription;
  /** The Avro bytes of `key` for `state` in `keyspace`. */
  encodeKey<K = AvroJs>(keyspace: string, state: string, key: K): Promise<Uint8Array>;
  /**
   * Sends `message` to the handler of `key` in `keyspace`; resolves once the handler accepted
   * it. Both are JS values encoded with the schemas the node registered for the keyspace's
   * published keys and messages (subjects `<keyspace>-published-key` and `-value`, fetched
   * once; `long`s beyond 2^53 as `bigint`). Rejects with a SchemaError "no-publish" if the
   * keyspace accepts no published messages (or does not exist), a ValueError "invalid-value"
   * if a value does not fit its schema (nothing is sent), or a ServerError ("bad-key",
   * "bad-message": the handler refused it, with its reason). Sent in the order called.
   */
  publish<M = AvroJs, K = AvroJs>(keyspace: string, key: K, message: M): Promise<void>;
  /** `publish` with the key and message already encoded as Avro binary. */
  publishEncoded(keyspace: string, key: Uint8Array, message: Uint8Array): Promise<void>;
  /**
   * An HTTP call to `path`: `body` as JSON, or as Avro binary when `options.type` is given; the
   * answer decoded from Avro; `null` for a GET answered 404.
   */
  request<T = AvroJs>(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  /** GET: the value, or `null` on 404. */
  get<T = AvroJs>(path: string): Promise<T | null>;
  /** PUT `body` (as Avro binary when `options.type` is given). */
  put<T = AvroJs>(path: string, body: unknown, options?: RequestOptions): Promise<T>;
  /** POST `body` (as Avro binary when `options.type` is given). */
  post<T = AvroJs>(path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  /** DELETE. */
  delete<T = AvroJs>(path: string): Promise<T>;
  /** Closes the connection and ends every subscription. */
  close(): void;
}

/** Connects to an Affinity node: `ws(s)://host/live` or `http(s)://host`. */
export declare function connect(url: string, options?: ConnectOptions): Promise<Client>;
/** Loads the wasm module ahead of time (`connect` does it). */
export declare function load(wasm?: unknown): Promise<unknown> | void;

/**
 * An Avro schema's codec for JS values (like avsc's Type). Decoding runs in JS (a decoder
 * generated once per schema); encoding and deltas in wasm.
 */
export declare class AvroType {
  constructor(schemaJson: string);
  /** Frees the wasm side now (otherwise the garbage collector does). */
  free(): void;
  /** The schema's Parsing Canonical Form. */
  readonly canonicalForm: string;
  /** Encodes a JS value; a value that does not fit throws a ValueError ("invalid-value"). */
  toBuffer(value: unknown): Uint8Array;
  /** Decodes Avro binary written with this schema; malformed bytes throw a ValueError ("bad-bytes"). */
  fromBuffer<T = AvroJs>(bytes: Uint8Array | ArrayBuffer): T;
  /** The delta between two values of this record schema. */
  delta(oldValue: unknown, newValue: unknown): Uint8Array;
  /** Applies a delta to the value encoded as `oldBytes`. */
  applyDelta<T = AvroJs>(oldBytes: Uint8Array, delta: Uint8Array): T;
}

/** TypeScript declarations for an Avro schema (JSON text), the root type named `rootName`. */
export declare function schemaToTypeScript(schemaJson: string, rootName: string): string;

/** Base class of every error from this package. */
export declare class AffinityError extends Error {
  /** A stable code, e.g. "invalid-value", "unknown-keyspace", "http-status", "publish-in-doubt". */
  readonly code: string;
  /** The HTTP status, for an HttpError with code "http-status". */
  readonly status?: number;
}
/** The server refused a subscription or publish (codes: "unknown-keyspace", "bad-key", ...). */
export declare class ServerError extends AffinityError {}
/** A JS value does not fit its schema, or bytes do not decode. */
export declare class ValueError extends AffinityError {}
/** A schema could not be fetched or parsed. */
export declare class SchemaError extends AffinityError {}
/** An HTTP call failed or answered an error status. */
export declare class HttpError extends AffinityError {}
/** The connection or the client: closed, limits, a publish in doubt. */
export declare class ConnectionError extends AffinityError {}
