//! [`ApiError`]: the errors handlers return, each mapped to an HTTP status and a JSON body.

use std::time::Duration;

use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::header::{CONTENT_TYPE, HeaderValue, RETRY_AFTER};

/// An error a handler returns, answered with its status and the body
/// `{"error": "<message>", "code": "<code>"}` (`application/json`).
///
/// | variant | status | `code` |
/// |---|---|---|
/// | [`BadRequest`](Self::BadRequest) | 400 | `bad_request` |
/// | [`NotFound`](Self::NotFound) | 404 | `not_found` |
/// | [`Conflict`](Self::Conflict) | 409 | `conflict` |
/// | [`PayloadTooLarge`](Self::PayloadTooLarge) | 413 | `payload_too_large` |
/// | [`UnsupportedMediaType`](Self::UnsupportedMediaType) | 415 | `unsupported_media_type` |
/// | [`NotAcceptable`](Self::NotAcceptable) | 406 | `not_acceptable` |
/// | [`Unavailable`](Self::Unavailable) | 503, with `Retry-After` | `unavailable` |
/// | [`Timeout`](Self::Timeout) | 504 | `timeout` |
/// | [`Internal`](Self::Internal) | 500 | `internal` |
///
/// An [`Internal`](Self::Internal) error's text is logged (`tracing::error!`) and never sent:
/// its body says only `internal error`.
///
/// ```
/// use affinity::gateway::ApiError;
/// use axum::response::IntoResponse;
///
/// let response = ApiError::Conflict("vertex 7 exists".into()).into_response();
/// assert_eq!(response.status(), 409);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// The request is malformed or its content invalid; the message says what is wrong.
    #[error("{0}")]
    BadRequest(String),
    /// The resource does not exist.
    #[error("not found")]
    NotFound,
    /// The request conflicts with the current state (an insert of an existing key, say).
    #[error("{0}")]
    Conflict(String),
    /// The request body is larger than the server accepts.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// The request body's media type is not one the endpoint reads.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// No response media type is acceptable to the request's `Accept`.
    #[error("{0}")]
    NotAcceptable(String),
    /// The request cannot be served now (while a partition has no master, say); the client
    /// should retry after `retry_after`, which is sent as `Retry-After` in whole seconds
    /// (rounded up, at least 1).
    #[error("temporarily unavailable; retry after {} s", retry_after_secs(*.retry_after))]
    Unavailable {
        /// How long the client should wait before retrying.
        retry_after: Duration,
    },
    /// The request took longer than it may.
    #[error("the request timed out")]
    Timeout,
    /// A failure inside the server. The text is logged, not sent.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// An [`Internal`](Self::Internal) error from any error or message.
    pub fn internal(error: impl std::fmt::Display) -> Self {
        ApiError::Internal(error.to_string())
    }

    /// The HTTP status.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            ApiError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Timeout => StatusCode::GATEWAY_TIMEOUT,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The `code` of the body: a stable snake_case name clients can match on.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::NotFound => "not_found",
            ApiError::Conflict(_) => "conflict",
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::NotAcceptable(_) => "not_acceptable",
            ApiError::Unavailable { .. } => "unavailable",
            ApiError::Timeout => "timeout",
            ApiError::Internal(_) => "internal",
        }
    }

    /// The `error` of the body: the message, except `internal error` for
    /// [`Internal`](Self::Internal).
    #[must_use]
    pub fn public_message(&self) -> String {
        match self {
            ApiError::Internal(_) => "internal error".to_owned(),
            other => other.to_string(),
        }
    }
}

fn retry_after_secs(d: Duration) -> u64 {
    let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    secs.max(1)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(message) = &self {
            tracing::error!(error = %message, "internal error answered with 500");
        }
        let mut response = error_response(self.status(), self.code(), &self.public_message());
        if let ApiError::Unavailable { retry_after } = self {
            response.headers_mut().insert(
                RETRY_AFTER,
                HeaderValue::from(retry_after_secs(retry_after)),
            );
        }
        response
    }
}

impl From<tokio::time::error::Elapsed> for ApiError {
    fn from(_: tokio::time::error::Elapsed) -> Self {
        ApiError::Timeout
    }
}

/// The error body every gateway error uses: `{"error": message, "code": code}`.
pub(crate) fn error_response(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({ "error": message, "code": code }).to_string();
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_secs(2)), 2);
        assert_eq!(retry_after_secs(Duration::from_millis(2001)), 3);
    }

    #[test]
    fn internal_errors_keep_their_text_out_of_the_body() {
        let e = ApiError::internal("disk on fire at /var/lib/x");
        assert_eq!(e.public_message(), "internal error");
        assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(e.to_string().contains("disk on fire"));
    }
}
