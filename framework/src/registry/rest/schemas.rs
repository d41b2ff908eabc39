//! `/schemas/...`: schemas by global id, and the schema types.

use std::sync::Arc;

use affinity_avro::{RegistryError, Schema, SchemaId, SchemaRegistry};
use axum::extract::State;
use axum::response::Response;
use http::StatusCode;
use serde_json::json;

use super::error::ApiError;
use super::extract::Params;
use super::reply::{ok, raw};

/// The registry behind the routes.
pub(crate) type Registry = Arc<dyn SchemaRegistry>;

/// `GET /schemas/ids/{id}` (and its alias `GET /ids/{id}`): `{"schema": "..."}`.
pub(crate) async fn by_id(
    State(registry): State<Registry>,
    Params(id): Params<String>,
) -> Result<Response, ApiError> {
    let schema = schema_by_id(&registry, &id).await?;
    Ok(ok(&json!({ "schema": schema.to_json() })))
}

/// `GET /schemas/ids/{id}/schema`: the schema itself.
pub(crate) async fn text_by_id(
    State(registry): State<Registry>,
    Params(id): Params<String>,
) -> Result<Response, ApiError> {
    let schema = schema_by_id(&registry, &id).await?;
    Ok(raw(StatusCode::OK, schema.to_json()))
}

/// `GET /schemas/ids/{id}/subjects`: the subjects with a version holding the schema.
pub(crate) async fn subjects_by_id(
    State(registry): State<Registry>,
    Params(id): Params<String>,
) -> Result<Response, ApiError> {
    let mut subjects: Vec<String> = usages(&registry, &id)
        .await?
        .into_iter()
        .map(|(subject, _)| subject)
        .collect();
    subjects.dedup();
    Ok(ok(&subjects))
}

/// `GET /schemas/ids/{id}/versions`: `[{"subject": ..., "version": ...}]`.
pub(crate) async fn versions_by_id(
    State(registry): State<Registry>,
    Params(id): Params<String>,
) -> Result<Response, ApiError> {
    let usages: Vec<serde_json::Value> = usages(&registry, &id)
        .await?
        .into_iter()
        .map(|(subject, version)| json!({ "subject": subject, "version": version }))
        .collect();
    Ok(ok(&usages))
}

/// `GET /schemas/types`: `["AVRO"]`.
pub(crate) async fn types() -> Response {
    ok(&["AVRO"])
}

fn parse_id(id: &str) -> Result<SchemaId, ApiError> {
    id.trim()
        .parse::<u32>()
        .map(SchemaId)
        .map_err(|_| ApiError::schema_not_found(format!("schema {id} not found")))
}

async fn schema_by_id(registry: &Registry, id: &str) -> Result<Arc<Schema>, ApiError> {
    Ok(registry.schema_by_id(parse_id(id)?).await?)
}

/// Every (subject, version) holding schema `id`, in subject order. A subject deleted while
/// this runs is skipped.
async fn usages(registry: &Registry, id: &str) -> Result<Vec<(String, u32)>, ApiError> {
    let id = parse_id(id)?;
    registry.schema_by_id(id).await?;
    let mut found = Vec::new();
    for subject in registry.subjects().await? {
        let versions = match registry.versions(&subject).await {
            Ok(versions) => versions,
            Err(RegistryError::SubjectNotFound(_)) => continue,
            Err(e) => return Err(e.into()),
        };
        for version in versions {
            match registry.version(&subject, version).await {
                Ok(registered) if registered.id == id => found.push((subject.clone(), version)),
                Ok(_)
                | Err(RegistryError::SubjectNotFound(_) | RegistryError::VersionNotFound { .. }) => {
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(found)
}
