//! [`AvroRejection`]: why the [`Avro`](super::Avro) extractor refused a request.

use std::time::Duration;

use affinity_avro::SchemaId;
use axum::response::{IntoResponse, Response};
use http::StatusCode;

use super::ApiError;
use super::error::error_response;

/// Why the [`Avro`](super::Avro) extractor refused a request (as axum's `JsonRejection` is
/// for `Json`). Answered with its [`status`](Self::status) and the body
/// `{"error": "<message>", "code": "<code>"}` that [`ApiError`] uses; it converts into an
/// [`ApiError`] for handlers that take `Result<Avro<T>, AvroRejection>` and want `?`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AvroRejection {
    /// 415: the `Content-Type` is missing or not an Avro media type.
    #[error("{}; expected one of: {accepted}", match found {
        Some(found) => format!("unsupported Content-Type `{found}`"),
        None => "missing Content-Type".to_owned(),
    })]
    UnsupportedMediaType {
        /// The request's `Content-Type`, if it had one (abridged).
        found: Option<String>,
        /// The accepted media types.
        accepted: String,
    },
    /// 413: the body is larger than the request body limit.
    #[error("request body is larger than {}", match limit {
        Some(limit) => format!("the limit of {limit} bytes"),
        None => "the limit".to_owned(),
    })]
    PayloadTooLarge {
        /// The limit in bytes, when the gateway's layers set it.
        limit: Option<usize>,
    },
    /// 400: the body could not be read (the connection failed mid-body, say).
    #[error("could not read the request body: {0}")]
    BodyRead(String),
    /// 400: the body is not a valid value of the type.
    #[error("invalid {format} body for {type_name}: {message}")]
    InvalidBody {
        /// `Avro binary` or `Avro-JSON`.
        format: &'static str,
        /// The Avro full name of the type, or its schema's type.
        type_name: String,
        /// What the decoder found wrong.
        message: String,
    },
    /// 400: `Affinity-Schema-Id` is not a schema id.
    #[error(
        "invalid Affinity-Schema-Id header `{0}`: expected a schema id (an integer 0 to 4294967295)"
    )]
    InvalidSchemaId(String),
    /// 400: no schema in the registry has the id in `Affinity-Schema-Id`.
    #[error("unknown schema id {0} (Affinity-Schema-Id)")]
    UnknownSchemaId(SchemaId),
    /// 400: data written with the named schema cannot be read as the type.
    #[error("data written with schema id {id} cannot be read as {type_name}: {reason}")]
    IncompatibleSchema {
        /// The writer schema's id.
        id: SchemaId,
        /// The Avro full name of the type, or its schema's type.
        type_name: String,
        /// Why not, from schema resolution.
        reason: String,
    },
    /// 400: the request names a writer schema but the server has no schema registry to find
    /// it in.
    #[error(
        "the request names writer schema id {0} (Affinity-Schema-Id) but this server has no schema registry"
    )]
    NoRegistry(SchemaId),
    /// 503: the schema registry could not be asked (the cause is logged, not sent).
    #[error("the schema registry is unavailable; retry later")]
    RegistryUnavailable,
}

impl AvroRejection {
    /// The HTTP status.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            AvroRejection::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AvroRejection::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AvroRejection::RegistryUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    /// The `code` of the body.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            AvroRejection::UnsupportedMediaType { .. } => "unsupported_media_type",
            AvroRejection::PayloadTooLarge { .. } => "payload_too_large",
            AvroRejection::BodyRead(_) | AvroRejection::InvalidBody { .. } => "invalid_body",
            AvroRejection::InvalidSchemaId(_) => "invalid_schema_id",
            AvroRejection::UnknownSchemaId(_) => "unknown_schema_id",
            AvroRejection::IncompatibleSchema { .. } => "incompatible_schema",
            AvroRejection::NoRegistry(_) => "no_schema_registry",
            AvroRejection::RegistryUnavailable => "unavailable",
        }
    }
}

impl IntoResponse for AvroRejection {
    fn into_response(self) -> Response {
        if matches!(self, AvroRejection::RegistryUnavailable) {
            return ApiError::from(self).into_response();
        }
        error_response(self.status(), self.code(), &self.to_string())
    }
}

impl From<AvroRejection> for ApiError {
    fn from(rejection: AvroRejection) -> Self {
        let message = rejection.to_string();
        match rejection {
            AvroRejection::UnsupportedMediaType { .. } => ApiError::UnsupportedMediaType(message),
            AvroRejection::PayloadTooLarge { .. } => ApiError::PayloadTooLarge(message),
            AvroRejection::RegistryUnavailable => ApiError::Unavailable {
                retry_after: Duration::from_secs(1),
            },
            _ => ApiError::BadRequest(message),
        }
    }
}
