//! `/subjects/...`: subjects, their versions, registration, lookup and deletion.

use affinity_avro::{RegisteredSchema, RegistryError};
use axum::body::Body;
use axum::extract::State;
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use serde_json::json;

use super::body;
use super::error::ApiError;
use super::extract::{Params, QueryParams};
use super::reply::{ok, raw};
use super::schemas::Registry;
use super::version::VersionArg;

/// `GET /subjects`: the subjects, sorted; `subjectPrefix`, `offset` and `limit` (−1: all) are
/// honoured.
pub(crate) async fn list(
    State(registry): State<Registry>,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let prefix = query.get("subjectPrefix").unwrap_or_default();
    let offset = query
        .get("offset")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    let limit = query
        .get("limit")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(usize::MAX);
    let subjects: Vec<String> = registry
        .subjects()
        .await?
        .into_iter()
        .filter(|s| s.starts_with(prefix))
        .skip(offset)
        .take(limit)
        .collect();
    Ok(ok(&subjects))
}

/// `GET /subjects/{subject}/versions`: the version numbers, ascending.
pub(crate) async fn versions(
    State(registry): State<Registry>,
    Params(subject): Params<String>,
) -> Result<Response, ApiError> {
    Ok(ok(&registry.versions(&subject).await?))
}

/// `GET /subjects/{subject}/versions/{version}`: `{"subject", "version", "id", "schema"}`.
pub(crate) async fn version(
    State(registry): State<Registry>,
    Params((subject, version)): Params<(String, String)>,
) -> Result<Response, ApiError> {
    let version: VersionArg = version.parse()?;
    let registered = resolve(&registry, &subject, version).await?;
    Ok(ok(&registered_json(&registered)))
}

/// `GET /subjects/{subject}/versions/{version}/schema`: the schema itself.
pub(crate) async fn version_schema(
    State(registry): State<Registry>,
    Params((subject, version)): Params<(String, String)>,
) -> Result<Response, ApiError> {
    let version: VersionArg = version.parse()?;
    let registered = resolve(&registry, &subject, version).await?;
    Ok(raw(StatusCode::OK, registered.schema.to_json()))
}

/// `POST /subjects/{subject}/versions`: registers the schema, `{"id": n}`.
pub(crate) async fn register(
    State(registry): State<Registry>,
    Params(subject): Params<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let schema = body::schema(&headers, body).await?;
    let id = registry.register(&subject, &schema).await?;
    tracing::debug!(subject, id = id.0, "schema registered");
    Ok(ok(&json!({ "id": id.0 })))
}

/// `POST /subjects/{subject}`: the version of the subject holding the schema.
pub(crate) async fn lookup(
    State(registry): State<Registry>,
    Params(subject): Params<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let schema = body::schema(&headers, body).await?;
    match registry.lookup(&subject, &schema).await? {
        Some(registered) => Ok(ok(&registered_json(&registered))),
        None => Err(ApiError::schema_not_found(format!(
            "schema not found under subject `{subject}`"
        ))),
    }
}

/// `DELETE /subjects/{subject}`: deletes the subject, answering its versions.
pub(crate) async fn delete(
    State(registry): State<Registry>,
    Params(subject): Params<String>,
) -> Result<Response, ApiError> {
    let versions = registry.delete_subject(&subject).await?;
    tracing::debug!(subject, versions = versions.len(), "subject deleted");
    Ok(ok(&versions))
}

/// The version asked for.
pub(crate) async fn resolve(
    registry: &Registry,
    subject: &str,
    version: VersionArg,
) -> Result<RegisteredSchema, RegistryError> {
    match version {
        VersionArg::Latest => registry.latest(subject).await,
        VersionArg::Number(n) => registry.version(subject, n).await,
    }
}

fn registered_json(registered: &RegisteredSchema) -> serde_json::Value {
    json!({
        "subject": registered.subject,
        "version": registered.version,
        "id": registered.id.0,
        "schema": registered.schema.to_json(),
    })
}
