//! Responses in the Confluent Schema Registry's media type.

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde::Serialize;

/// The media type of every response: `application/vnd.schemaregistry.v1+json`.
pub const CONTENT_TYPE: &str = "application/vnd.schemaregistry.v1+json";

/// `value` as JSON with `status`.
pub(crate) fn reply(status: StatusCode, value: &impl Serialize) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => raw(status, body),
        Err(e) => {
            tracing::error!(error = %e, "cannot encode a schema registry response");
            raw(
                StatusCode::INTERNAL_SERVER_ERROR,
                br#"{"error_code":50001,"message":"cannot encode the response"}"#.to_vec(),
            )
        }
    }
}

/// `body` (already JSON text) with `status`.
pub(crate) fn raw(status: StatusCode, body: impl Into<axum::body::Body>) -> Response {
    let mut response = (status, body.into()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    response
}

/// `value` as JSON with 200 OK.
pub(crate) fn ok(value: &impl Serialize) -> Response {
    reply(StatusCode::OK, value)
}
