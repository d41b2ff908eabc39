//! The request timeout and body limit middleware, both answering with [`ApiError`] bodies.
//!
//! tower-http has both (`TimeoutLayer`, `RequestBodyLimitLayer`), but they answer with an
//! empty or plain-text body; these answer with the JSON error body every other gateway error
//! has.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::CONTENT_LENGTH;
use http_body_util::Limited;

use super::{ApiError, AvroRejection};

/// The request body limit, left in request extensions for the extractors' messages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyLimit(pub(crate) usize);

/// Answers `504` with [`ApiError::Timeout`] when the inner service takes longer than the
/// timeout to produce the response head; the handler's future is dropped (cancelled).
pub(crate) async fn timeout(
    State(limit): State<Duration>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(%method, %path, timeout = ?limit, "request timed out");
            ApiError::Timeout.into_response()
        }
    }
}

/// Refuses a request whose `Content-Length` is over `limit` before anything reads it, and
/// caps the body of every other at `limit` bytes (a longer chunked body fails when read; the
/// [`Avro`](super::Avro) extractor and axum's own extractors answer `413`).
pub(crate) async fn limit_body(
    State(limit): State<usize>,
    request: Request,
    next: Next,
) -> Response {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return ApiError::from(AvroRejection::PayloadTooLarge { limit: Some(limit) })
            .into_response();
    }
    let mut request = request.map(|body| Body::new(Limited::new(body, limit)));
    request.extensions_mut().insert(BodyLimit(limit));
    next.run(request).await
}
