//! [`GatewayLayers`]: the middleware stack of the node's HTTP router.

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, MatchedPath};
use http::{HeaderValue, Method, Request, header};
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::trace::TraceLayer;
use tracing::Span;

use super::limits::RequestLimitsLayer;
use super::{Gateway, SCHEMA_ID_HEADER, layer};
use crate::config::HttpConfig;
use crate::metrics::{HttpMetrics, UNMATCHED_ROUTE};

/// The node's HTTP middleware, configured from the `[http]` section ([`HttpConfig`]), applied
/// to a router with [`apply`](Self::apply). From the outside in:
///
/// 1. **tracing** (tower-http `TraceLayer`): a span `http_request` per request with `method`,
///    `route` (the matched pattern), `path` and `version`; responses at DEBUG, server errors
///    (5xx) as failures at ERROR;
/// 2. **metrics** ([`HttpMetrics`]), when given;
/// 3. **CORS** (tower-http `CorsLayer`) from `http.cors_origins`: none when empty (the
///    default: browsers then allow only same-origin calls), any origin for `["*"]`, else those
///    origins; methods GET, HEAD, POST, PUT, PATCH, DELETE; request headers `Content-Type`,
///    `Accept`, `Authorization`, `Affinity-Schema-Id`; `Affinity-Schema-Id` and `Retry-After`
///    exposed to scripts; preflights cached 1 h. For a page served from another port on
///    loopback during development, set `cors_origins = ["*"]` (or that page's origin).
/// 4. **compression** (tower-http `CompressionLayer`): gzip, when the request's
///    `Accept-Encoding` allows it, for bodies of 32 bytes or more;
/// 5. **body limit and timeout** (one layer): `http.body_limit` bytes — a larger
///    `Content-Length` is refused at once, a longer chunked body when it is read (413 with the
///    JSON error body); `http.request_timeout` until the response head, then
///    [`ApiError::Timeout`](super::ApiError::Timeout) (504) and the handler is cancelled;
/// 6. axum's `DefaultBodyLimit` at the same limit, for axum's own extractors;
/// 7. **the gateway layer** ([`layer`]): the [`Gateway`] context and response negotiation for
///    [`Avro`](super::Avro).
///
/// Apply it after every route (including [`ops_routes`](super::ops_routes)) is on the router:
/// [`axum::Router::layer`] wraps the routes present, after routing, so the matched path is
/// known to the span and the metrics.
///
/// ```
/// use affinity::config::HttpConfig;
/// use affinity::gateway::{Gateway, GatewayLayers, Readiness, ops_routes};
/// use affinity::metrics::{HttpMetrics, Metrics};
///
/// let metrics = Metrics::new();
/// let app: axum::Router = axum::Router::new()
///     .route("/hello", axum::routing::get(|| async { "hi" }))
///     .merge(ops_routes(Readiness::new(), metrics.clone()));
/// let app = GatewayLayers::new(&HttpConfig::default())
///     .gateway(Gateway::new())
///     .metrics(HttpMetrics::register(&metrics)?)
///     .apply(app);
/// # Ok::<(), affinity::metrics::MetricsError>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct GatewayLayers {
    body_limit: usize,
    request_timeout: Duration,
    cors_origins: Vec<String>,
    gateway: Gateway,
    metrics: Option<HttpMetrics>,
}

impl GatewayLayers {
    /// The layers for this configuration, with a [`Gateway`] without registry and no metrics.
    pub fn new(config: &HttpConfig) -> Self {
        GatewayLayers {
            body_limit: config.body_limit,
            request_timeout: config.request_timeout,
            cors_origins: config.cors_origins.clone(),
            gateway: Gateway::new(),
            metrics: None,
        }
    }

    /// Uses this gateway context.
    pub fn gateway(mut self, gateway: Gateway) -> Self {
        self.gateway = gateway;
        self
    }

    /// Records request metrics.
    pub fn metrics(mut self, metrics: HttpMetrics) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// Wraps every route of `router` in the layers.
    pub fn apply<S>(self, router: Router<S>) -> Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        let trace =
            TraceLayer::new_for_http().make_span_with(make_span as fn(&Request<Body>) -> Span);
        let stack = ServiceBuilder::new()
            .layer(trace)
            .option_layer(self.metrics.map(|m| m.layer()))
            .option_layer(cors(&self.cors_origins))
            .layer(CompressionLayer::new())
            .layer(RequestLimitsLayer {
                body_limit: self.body_limit,
                timeout: self.request_timeout,
            })
            .layer(DefaultBodyLimit::max(self.body_limit))
            .layer(layer(self.gateway));
        router.layer(stack)
    }
}

fn make_span(request: &Request<Body>) -> Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED_ROUTE, MatchedPath::as_str);
    tracing::info_span!(
        "http_request",
        method = %request.method(),
        route,
        path = request.uri().path(),
        version = ?request.version(),
    )
}

/// The CORS layer for `origins`: none when empty.
fn cors(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let allow_origin = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        let list: Vec<HeaderValue> = origins
            .iter()
            .filter_map(|origin| match HeaderValue::from_str(origin) {
                Ok(value) => Some(value),
                Err(_) => {
                    tracing::warn!(%origin, "ignoring a CORS origin that is not a header value");
                    None
                }
            })
            .collect();
        AllowOrigin::list(list)
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow_origin)
            .allow_methods([
                Method::GET,
                Method::HEAD,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers([
                header::CONTENT_TYPE,
                header::ACCEPT,
                header::AUTHORIZATION,
                SCHEMA_ID_HEADER,
            ])
            .expose_headers([SCHEMA_ID_HEADER, header::RETRY_AFTER])
            .max_age(Duration::from_secs(3600)),
    )
}
