//! The HTTP gateway against a real server on 127.0.0.1: `Avro<T>` bodies in both encodings
//! with content negotiation and schema ids, `ApiError` statuses, the middleware (timeout, body
//! limit, CORS, gzip) and the operational routes.

#[path = "gateway/support.rs"]
mod support;

#[path = "gateway/avro.rs"]
mod avro;
#[path = "gateway/errors.rs"]
mod errors;
#[path = "gateway/layers.rs"]
mod layers;
#[path = "gateway/ops.rs"]
mod ops;
