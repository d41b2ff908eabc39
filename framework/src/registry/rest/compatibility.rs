//! `/compatibility/...`: whether a schema could be registered.

use affinity_avro::{Incompatibility, RegistryError};
use axum::body::Body;
use axum::extract::State;
use axum::response::Response;
use http::HeaderMap;
use serde_json::json;

use super::body;
use super::error::ApiError;
use super::extract::{Params, QueryParams};
use super::reply::ok;
use super::schemas::Registry;
use super::subjects::resolve;
use super::version::VersionArg;

/// `POST /compatibility/subjects/{subject}/versions/{version}`: the schema against that one
/// version, at the subject's level. `latest` of a subject without versions is compatible, as
/// in Confluent's server.
pub(crate) async fn against_version(
    State(registry): State<Registry>,
    Params((subject, version)): Params<(String, String)>,
    query: QueryParams,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let version: VersionArg = version.parse()?;
    let schema = body::schema(&headers, body).await?;
    let previous = match resolve(&registry, &subject, version).await {
        Ok(registered) => Some(registered.schema),
        Err(RegistryError::SubjectNotFound(_)) if version == VersionArg::Latest => None,
        Err(e) => return Err(e.into()),
    };
    let result = match previous {
        Some(previous) => {
            let level = registry.compatibility(Some(&subject)).await?;
            level.check(&schema, &[previous])
        }
        None => Ok(()),
    };
    Ok(answer(result, query.flag("verbose")))
}

/// `POST /compatibility/subjects/{subject}/versions`: the schema against the subject's
/// versions as its level says (every version for the transitive levels).
pub(crate) async fn against_all(
    State(registry): State<Registry>,
    Params(subject): Params<String>,
    query: QueryParams,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let schema = body::schema(&headers, body).await?;
    let result = registry.test_compatibility(&subject, &schema).await?;
    Ok(answer(result, query.flag("verbose")))
}

/// `{"is_compatible": bool}`, with `"messages"` when `verbose`.
fn answer(result: Result<(), Vec<Incompatibility>>, verbose: bool) -> Response {
    let compatible = result.is_ok();
    if verbose {
        let messages: Vec<String> = result
            .err()
            .unwrap_or_default()
            .iter()
            .map(ToString::to_string)
            .collect();
        ok(&json!({ "is_compatible": compatible, "messages": messages }))
    } else {
        ok(&json!({ "is_compatible": compatible }))
    }
}
