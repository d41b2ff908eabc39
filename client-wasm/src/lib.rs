//! Affinity's browser client: a [wasm-bindgen] driver of `affinity-protocol`'s sans-I/O
//! [`Session`](affinity_protocol::session::Session) over a WebSocket (`web_sys::WebSocket`, or
//! any constructor with its API, such as the `ws` package's in Node), with values as plain JS
//! objects ([`convert`] documents the mapping).
//!
//! The npm package `@affinity/client` (`js-package/`) wraps this module in a typed facade;
//! `dev/build-js` builds both.
//!
//! - [`Client`]: `new Client(url, options)`, `subscribe(keyspace, state, key, onValue,
//!   onError)` → [`Subscription`] (`close()`), `publishEncoded`, `request` (HTTP with `Avro`
//!   bodies), `encodeSubject` (a value encoded with a registry subject's schema: the package's
//!   `encodeKey` and `publish` build on it), connection-state listeners, `close()`.
//! - Writer schemas are fetched by id from the node's registry (`/schemas/schemas/ids/{id}`)
//!   and cached; key schemas from the subject `<keyspace>-<state>-key`, the schemas of
//!   published keys and messages from `<keyspace>-published-key` and `-value`.
//! - Reconnects with backoff and resumes every subscription from its last offset (the session
//!   does it; timers are `setTimeout`).
//! - Values are decoded into JS objects in JS, by a decoder `js/avro.js` generates once per
//!   writer schema (the `decode` module); the session's values are encoded again in wasm and
//!   handed over as bytes.
//! - Errors are JS `Error` subclasses with a `code` (`js/errors.js`).
//! - [`AvroType`]: a schema's codec (`toBuffer`, `fromBuffer`, `delta`, `applyDelta`);
//!   [`schema_to_typescript`]: TypeScript declarations for a schema.
//!
//! [wasm-bindgen]: https://rustwasm.github.io/wasm-bindgen/

mod client;
mod codec;
pub mod convert;
mod decode;
mod driver;
mod error;
mod fast;
mod http;
mod timer;
pub mod typescript;

pub use client::{Client, Subscription};
pub use codec::AvroType;
pub use typescript::schema_to_typescript;
