//! [`ApiError`]: an error answered as the Confluent Schema Registry does.

use affinity_avro::RegistryError;
use axum::response::{IntoResponse, Response};
use http::StatusCode;

use super::reply::reply;

/// An error response: `{"error_code": <code>, "message": "..."}` with an HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: u32,
    pub(crate) message: String,
}

/// Confluent's code for an invalid schema (and, here, an unsupported schema request).
pub(crate) const INVALID_SCHEMA: u32 = 42201;
/// Confluent's code for a version that is neither a number in range nor `latest`.
pub(crate) const INVALID_VERSION: u32 = 42202;
/// Confluent's code for an invalid compatibility level.
pub(crate) const INVALID_COMPATIBILITY: u32 = 42203;
/// Confluent's code for a schema that is not under the subject (or an unknown id).
pub(crate) const SCHEMA_NOT_FOUND: u32 = 40403;

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: u32, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// 422 with one of the `422xx` codes.
    pub(crate) fn unprocessable(code: u32, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    /// 404 40403.
    pub(crate) fn schema_not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, SCHEMA_NOT_FOUND, message)
    }
}

impl From<RegistryError> for ApiError {
    fn from(e: RegistryError) -> ApiError {
        let status =
            StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            tracing::error!(error = %e, "schema registry backend error");
        }
        ApiError::new(status, e.error_code(), e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        reply(
            self.status,
            &serde_json::json!({ "error_code": self.code, "message": self.message }),
        )
    }
}
