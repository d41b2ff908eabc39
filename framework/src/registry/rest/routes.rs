//! [`schema_routes`]: the router.

use std::sync::Arc;

use affinity_avro::SchemaRegistry;
use axum::Router;
use axum::response::Response;
use axum::routing::{get, post};
use http::StatusCode;

use super::error::ApiError;
use super::{compatibility, config, schemas, subjects};

/// The Confluent Schema Registry REST subset over `registry`, to be nested at `/schemas`:
///
/// ```
/// use std::sync::Arc;
/// use affinity::registry::schema_routes;
/// use affinity_avro::MemoryRegistry;
///
/// let app: axum::Router = axum::Router::new()
///     .nest("/schemas", schema_routes(Arc::new(MemoryRegistry::new())));
/// // A Confluent client is then configured with the base URL `http://host:port/schemas`.
/// ```
///
/// The routes, the bodies and the errors are listed in the [module docs](super).
pub fn schema_routes(registry: Arc<dyn SchemaRegistry>) -> Router {
    Router::new()
        .route("/schemas/ids/{id}", get(schemas::by_id))
        .route("/ids/{id}", get(schemas::by_id))
        .route("/schemas/ids/{id}/schema", get(schemas::text_by_id))
        .route("/schemas/ids/{id}/subjects", get(schemas::subjects_by_id))
        .route("/schemas/ids/{id}/versions", get(schemas::versions_by_id))
        .route("/schemas/types", get(schemas::types))
        .route("/subjects", get(subjects::list))
        .route(
            "/subjects/{subject}",
            post(subjects::lookup).delete(subjects::delete),
        )
        .route(
            "/subjects/{subject}/versions",
            get(subjects::versions).post(subjects::register),
        )
        .route(
            "/subjects/{subject}/versions/{version}",
            get(subjects::version),
        )
        .route(
            "/subjects/{subject}/versions/{version}/schema",
            get(subjects::version_schema),
        )
        .route(
            "/compatibility/subjects/{subject}/versions",
            post(compatibility::against_all),
        )
        .route(
            "/compatibility/subjects/{subject}/versions/{version}",
            post(compatibility::against_version),
        )
        .route("/config", get(config::get_global).put(config::put_global))
        .route(
            "/config/{subject}",
            get(config::get_subject).put(config::put_subject),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(registry)
}

async fn not_found() -> Response {
    axum::response::IntoResponse::into_response(ApiError::new(
        StatusCode::NOT_FOUND,
        404,
        "HTTP 404 Not Found",
    ))
}

async fn method_not_allowed() -> Response {
    axum::response::IntoResponse::into_response(ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        405,
        "HTTP 405 Method Not Allowed",
    ))
}
