//! The operational routes: `/health`, `/ready` and `/metrics`.

use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::StatusCode;
use http::header::{CONTENT_TYPE, HeaderValue};

use super::Readiness;
use crate::metrics::{self, Metrics};

/// The operational routes, to merge into the node's router:
///
/// - `GET /health`: `200 {"status":"ok"}` while the process runs (liveness);
/// - `GET /ready`: `200 {"ready":true}` once `readiness` is set, otherwise
///   `503 {"ready":false,"reason":"<why>"}` (readiness: route traffic here or not);
/// - `GET /metrics`: `metrics` in the Prometheus text format 0.0.4.
///
/// ```
/// use affinity::gateway::{Readiness, ops_routes};
/// use affinity::metrics::Metrics;
///
/// let app: axum::Router = axum::Router::new().merge(ops_routes(Readiness::new(), Metrics::new()));
/// ```
pub fn ops_routes<S>(readiness: Readiness, metrics: Metrics) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(move || ready(readiness.clone())))
        .route("/metrics", get(move || render_metrics(metrics.clone())))
}

async fn health() -> Response {
    json(StatusCode::OK, serde_json::json!({ "status": "ok" }))
}

async fn ready(readiness: Readiness) -> Response {
    match readiness.not_ready_reason() {
        None => json(StatusCode::OK, serde_json::json!({ "ready": true })),
        Some(reason) => json(
            StatusCode::SERVICE_UNAVAILABLE,
            serde_json::json!({ "ready": false, "reason": reason }),
        ),
    }
}

async fn render_metrics(metrics: Metrics) -> Response {
    let mut response = metrics.render().into_response();
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static(metrics::CONTENT_TYPE),
    );
    response
}

fn json(status: StatusCode, body: serde_json::Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
