//! `/config`: the global and per-subject compatibility levels.

use affinity_avro::{Compatibility, RegistryError};
use axum::body::Body;
use axum::extract::State;
use axum::response::Response;
use http::HeaderMap;
use serde_json::json;

use super::body;
use super::error::ApiError;
use super::extract::Params;
use super::reply::ok;
use super::schemas::Registry;

/// `GET /config`: `{"compatibilityLevel": "BACKWARD"}`.
pub(crate) async fn get_global(State(registry): State<Registry>) -> Result<Response, ApiError> {
    let level = registry.compatibility(None).await?;
    Ok(ok(&json!({ "compatibilityLevel": level.as_str() })))
}

/// `PUT /config` with `{"compatibility": "FULL"}`: answered with the level set.
pub(crate) async fn put_global(
    State(registry): State<Registry>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let level = level(&headers, body).await?;
    registry.set_compatibility(None, level).await?;
    tracing::debug!(level = level.as_str(), "global compatibility level set");
    Ok(ok(&json!({ "compatibility": level.as_str() })))
}

/// `GET /config/{subject}`: the subject's level, or the global one when it has none of its own.
pub(crate) async fn get_subject(
    State(registry): State<Registry>,
    Params(subject): Params<String>,
) -> Result<Response, ApiError> {
    let level = registry.compatibility(Some(&subject)).await?;
    Ok(ok(&json!({ "compatibilityLevel": level.as_str() })))
}

/// `PUT /config/{subject}` with `{"compatibility": "FULL"}`: answered with the level set.
pub(crate) async fn put_subject(
    State(registry): State<Registry>,
    Params(subject): Params<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let level = level(&headers, body).await?;
    registry.set_compatibility(Some(&subject), level).await?;
    tracing::debug!(
        subject,
        level = level.as_str(),
        "subject compatibility level set"
    );
    Ok(ok(&json!({ "compatibility": level.as_str() })))
}

async fn level(headers: &HeaderMap, body: Body) -> Result<Compatibility, ApiError> {
    let name = body::compatibility(headers, body).await?;
    name.parse::<Compatibility>()
        .map_err(|e| RegistryError::from(e).into())
}
