//! The HTTP gateway: what Affinity adds to axum (DESIGN.md §3 "Gateway") — extractors and
//! responders, not a new web framework.
//!
//! - [`Avro<T>`]: a request body and a response in Avro binary
//!   (`application/vnd.apache.avro+binary`) or Avro-JSON (`application/json`), negotiated by
//!   `Content-Type` and `Accept`, with the registry schema id in `Affinity-Schema-Id` both ways
//!   (requests written with an older or newer schema are read through schema resolution);
//!   refusals are [`AvroRejection`]s.
//! - [`ApiError`]: typed errors mapped to statuses (400, 404, 409, 413, 415, 406, 503 with
//!   `Retry-After`, 504, 500 without internals), all with the body
//!   `{"error": "<message>", "code": "<code>"}`.
//! - [`Gateway`] and [`layer`]: the context the extractor and responder use (the schema
//!   registry, schema ids, resolvers), reached through request extensions, and the response
//!   negotiation (see [`layer`] for why a task-local).
//! - [`GatewayLayers`]: the middleware stack — tracing, metrics, CORS, gzip, request timeout,
//!   body limit — from the node's [`HttpConfig`](crate::config::HttpConfig).
//! - [`ops_routes`]: `/health`, `/ready` (from [`Readiness`]) and `/metrics`.
//!
//! ```
//! use affinity::config::HttpConfig;
//! use affinity::gateway::{self, ApiError, Avro, Gateway, GatewayLayers};
//! use affinity_avro::{Avro as AvroType, MemoryRegistry};
//! use axum::{Router, extract::Path, routing::get};
//! use std::sync::Arc;
//!
//! #[derive(AvroType, Clone, Debug)]
//! #[avro(namespace = "com.example")]
//! struct Greeting { to: String, text: String }
//!
//! async fn greet(Path(to): Path<String>) -> Result<Avro<Greeting>, ApiError> {
//!     if to.is_empty() {
//!         return Err(ApiError::BadRequest("whom?".into()));
//!     }
//!     Ok(Avro(Greeting { text: format!("hello, {to}"), to }))
//! }
//!
//! let gateway = Gateway::with_registry(Arc::new(MemoryRegistry::new()));
//! let app: Router = GatewayLayers::new(&HttpConfig::default())
//!     .gateway(gateway)
//!     .apply(Router::new().route("/greet/{to}", get(greet)));
//! ```

mod accept;
mod avro;
mod context;
mod error;
mod layers;
mod limits;
mod media;
mod negotiate;
mod ops;
mod readiness;
mod rejection;

pub use accept::NotAcceptable;
pub use avro::Avro;
pub use context::Gateway;
pub use error::ApiError;
pub use layers::GatewayLayers;
pub use media::{AVRO_BINARY, AVRO_JSON, Format, SCHEMA_ID_HEADER};
pub use negotiate::{GatewayFuture, GatewayLayer, GatewayService, layer, response_format};
pub use ops::ops_routes;
pub use readiness::Readiness;
pub use rejection::AvroRejection;
