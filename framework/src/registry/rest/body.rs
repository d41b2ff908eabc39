//! Request bodies: media type, size limit and JSON shape, each with Confluent's error.

use affinity_avro::Schema;
use axum::body::{Body, Bytes};
use http::{HeaderMap, StatusCode, header};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::error::{ApiError, INVALID_COMPATIBILITY, INVALID_SCHEMA};

/// The largest request body accepted (1 MiB): a larger one is answered 413.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// The request media types accepted, as Confluent's server lists them (without parameters,
/// ignoring case). A request without `Content-Type` is read as JSON too.
pub const REQUEST_CONTENT_TYPES: [&str; 4] = [
    "application/vnd.schemaregistry.v1+json",
    "application/vnd.schemaregistry+json",
    "application/json",
    "application/octet-stream",
];

/// The body of the register, lookup and compatibility requests.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SchemaBody {
    schema: Option<String>,
    schema_type: Option<String>,
    references: Option<Vec<serde_json::Value>>,
    metadata: Option<serde_json::Value>,
    rule_set: Option<serde_json::Value>,
}

/// The body of `PUT /config`.
#[derive(Debug, Deserialize)]
struct ConfigBody {
    compatibility: Option<String>,
}

/// Reads the Avro schema of a register, lookup or compatibility request.
pub(crate) async fn schema(headers: &HeaderMap, body: Body) -> Result<Schema, ApiError> {
    let body: SchemaBody = json(headers, body).await?;
    if let Some(kind) = &body.schema_type
        && !kind.eq_ignore_ascii_case("AVRO")
    {
        return Err(ApiError::unprocessable(
            INVALID_SCHEMA,
            format!("unsupported schema type `{kind}`: this registry holds AVRO schemas only"),
        ));
    }
    if body.references.as_ref().is_some_and(|r| !r.is_empty()) {
        return Err(ApiError::unprocessable(
            INVALID_SCHEMA,
            "schema references are not supported: send the schema with its named types inline",
        ));
    }
    for (present, field) in [
        (body.metadata.is_some(), "metadata"),
        (body.rule_set.is_some(), "ruleSet"),
    ] {
        if present {
            return Err(ApiError::unprocessable(
                INVALID_SCHEMA,
                format!("`{field}` is not supported by this registry"),
            ));
        }
    }
    let Some(text) = body.schema else {
        return Err(ApiError::unprocessable(
            INVALID_SCHEMA,
            "the request has no `schema`",
        ));
    };
    Schema::parse(&text)
        .map_err(|e| ApiError::unprocessable(INVALID_SCHEMA, format!("invalid schema: {e}")))
}

/// Reads the compatibility level of a `PUT /config` request, as given (parsed by the caller).
pub(crate) async fn compatibility(headers: &HeaderMap, body: Body) -> Result<String, ApiError> {
    let body: ConfigBody = json(headers, body).await?;
    body.compatibility.ok_or_else(|| {
        ApiError::unprocessable(
            INVALID_COMPATIBILITY,
            "the request has no `compatibility` level",
        )
    })
}

/// Checks the media type, reads at most [`MAX_BODY_BYTES`] and parses JSON: 415, 413, 400 for
/// text that is not JSON and 422 (error code 422) for JSON of the wrong shape, as Confluent's
/// server answers.
async fn json<T: DeserializeOwned>(headers: &HeaderMap, body: Body) -> Result<T, ApiError> {
    check_content_type(headers)?;
    let bytes = read_limited(headers, body).await?;
    serde_json::from_slice(&bytes).map_err(|e| {
        if e.is_data() {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                422,
                format!("unexpected request body: {e}"),
            )
        } else {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                400,
                format!("the request body is not JSON: {e}"),
            )
        }
    })
}

fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Ok(());
    };
    let essence = value
        .to_str()
        .ok()
        .and_then(|v| v.split(';').next())
        .map(str::trim)
        .unwrap_or_default();
    if REQUEST_CONTENT_TYPES
        .iter()
        .any(|t| t.eq_ignore_ascii_case(essence))
    {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            415,
            format!(
                "unsupported Content-Type `{}`: send application/vnd.schemaregistry.v1+json or application/json",
                String::from_utf8_lossy(value.as_bytes())
            ),
        ))
    }
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        413,
        format!("the request body exceeds the limit of {MAX_BODY_BYTES} bytes"),
    )
}

async fn read_limited(headers: &HeaderMap, body: Body) -> Result<Bytes, ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<LengthLimitError>() => Err(too_large()),
        Err(e) => {
            // An outer limit (the node's tower-http one) reports itself through the body too.
            let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e.as_ref());
            while let Some(err) = source {
                if err.is::<LengthLimitError>() {
                    return Err(too_large());
                }
                source = err.source();
            }
            Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                400,
                format!("cannot read the request body: {e}"),
            ))
        }
    }
}
