//! The tokio client of Affinity: typed HTTP calls to a server's `Avro<T>` endpoints, and live
//! subscriptions to keys of its states, each a [`Stream`](futures_util::Stream) of typed values.
//!
//! ```no_run
//! use affinity_avro::Avro;
//! use affinity_client::{Client, ClientError};
//! use futures_util::StreamExt;
//!
//! #[derive(Avro, Clone, Debug, PartialEq)]
//! #[avro(namespace = "com.example.graph")]
//! struct Vertex { id: i64, edges: Vec<i64>, component: Option<i64> }
//!
//! # async fn run() -> Result<(), ClientError> {
//! let client = Client::connect("http://127.0.0.1:8080").await?;
//!
//! // HTTP: Avro binary by default (or Avro-JSON: `Client::builder(..).encoding(Encoding::Json)`).
//! let v: Vertex = client.put("/vertex/42", &Vertex { id: 42, edges: vec![], component: None }).await?;
//! let again: Option<Vertex> = client.get_opt("/vertex/42").await?;
//! assert_eq!(again.as_ref(), Some(&v));
//!
//! // Live: the current value, then every change; None when the key has no value.
//! let mut vertex = client.subscribe::<i64, Vertex>("graph", "vertices", &42).await?;
//! while let Some(item) = vertex.next().await {
//!     match item? {
//!         Some(v) => println!("vertex 42 at offset {:?}: {v:?}", vertex.offset()),
//!         None => println!("vertex 42 is gone"),
//!     }
//! }
//!
//! // A message to the key's handler, over the same WebSocket.
//! client.publish("graph", &42i64, &7i64).await?;
//! client.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! # Live subscriptions
//!
//! A [`Client`] keeps **one WebSocket** to `<base>/live`, opened at its first subscription or
//! publish (or by [`Client::connect`]), shared by all its subscriptions. A driver task owns it
//! and drives the sans-I/O [`Session`](affinity_protocol::session::Session) of
//! `affinity-protocol`, which does the protocol's work: the subscription table, applying
//! deltas, detecting gaps, heartbeats, reconnecting with jittered exponential backoff
//! ([`Config`](affinity_protocol::session::Config), set with [`ClientBuilder::session`]) and
//! resuming each subscription from its last offset, so a reconnect neither loses nor repeats a
//! change. Writer schemas the session lacks are fetched from the server's registry,
//! `<base>/schemas/schemas/ids/{id}` (the Confluent REST API mounted at `/schemas`), and
//! cached.
//!
//! The session yields values as dynamic [`Value`](affinity_avro::Value)s of their writer
//! schema. A [`Subscription<V>`] turns them into `V` with a resolver built once per (writer
//! schema id, `V`): directly when the writer schema is `V`'s own (same fingerprint), through
//! Avro schema resolution otherwise — so a client built with an older or newer version of a
//! type keeps reading values the server writes with another.
//!
//! **Slow consumers.** Between the driver and each subscription's stream is a small bounded
//! buffer ([`ClientBuilder::subscription_buffer`], 16 values by default): the driver never
//! waits for a consumer, and when a buffer is full it drops that subscription's **oldest**
//! undelivered value to make room. A subscription read slowly therefore skips intermediate
//! values but always ends at the latest, in order — never an older value after a newer one —
//! as DESIGN §4.5 allows; it cannot hold up the other subscriptions or the socket. With a
//! buffer of 1 each subscription is a latest-value cell, like `tokio::sync::watch`. (The
//! session's own event queue coalesces the same way past its bound, but the driver drains it
//! after every input, so it never fills.)
//!
//! Dropping a [`Subscription`] unsubscribes. The driver task stops when the client and all its
//! subscriptions are dropped, or at [`Client::shutdown`].
//!
//! # HTTP calls
//!
//! [`Client::get`], [`Client::get_opt`], [`Client::put`], [`Client::post`] and
//! [`Client::delete`] speak Avro binary (`application/vnd.apache.avro+binary`) or, per client,
//! Avro-JSON (`application/json`, [`affinity_avro::json`]) — see [`Encoding`]. The server names
//! a response's writer schema in its `Affinity-Schema-Id` header; when it differs from the
//! requested type's, the body is resolved through it. A non-2xx answer is
//! [`ClientError::Status`] with the message of the server's error body.
//!
//! # Transport
//!
//! HTTP goes through hyper-util's pooled legacy client (HTTP/1.1), the WebSocket through
//! tokio-tungstenite 0.29 — the hyper and tungstenite that axum, and so the server, build on.
//! Both are built **without TLS**: the base URL is `http://`; put a TLS-terminating proxy in
//! front of a remote server for now.

mod builder;
mod client;
mod context;
mod endpoints;
mod error;
mod live;
mod rest;
mod schemas;
mod typed;

pub use builder::ClientBuilder;
pub use client::Client;
pub use error::{BoxError, ClientError};
pub use live::Subscription;
pub use rest::{AVRO_BINARY, Encoding, JSON, SCHEMA_ID_HEADER};

/// The live protocol's session options, re-exported for [`ClientBuilder::session`].
pub use affinity_protocol::session::Config as SessionConfig;
