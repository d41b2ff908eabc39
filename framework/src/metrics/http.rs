//! [`HttpMetrics`]: request counts and latencies per route, as a tower layer.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Instant;

use axum::extract::MatchedPath;
use http::{Method, Request, Response, StatusCode};
use tower::{Layer, Service};

use super::{
    Counter, CounterVec, Gauge, Histogram, HistogramVec, LATENCY_BUCKETS, Metrics, MetricsError,
};

/// The `route` label of requests that matched no route.
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// HTTP server metrics, registered in a [`Metrics`] registry:
///
/// - `affinity_http_requests_total{method,route,status}` (counter): finished requests;
/// - `affinity_http_request_duration_seconds{method,route}` (histogram, [`LATENCY_BUCKETS`]):
///   the time until the response head was ready (the body may stream for longer);
/// - `affinity_http_requests_in_flight` (gauge): requests being handled now.
///
/// `route` is the route's pattern from axum's [`MatchedPath`] (`/vertex/{id}`), never the
/// request's path, so the number of series stays bounded by the number of routes;
/// requests that match no route are counted under [`UNMATCHED_ROUTE`]. Methods other than
/// the nine standard ones are counted as `OTHER`. Add the [`layer`](Self::layer) with
/// [`axum::Router::layer`], which runs it after routing, where the matched path is known.
#[derive(Debug, Clone)]
pub struct HttpMetrics {
    requests: CounterVec<3>,
    duration: HistogramVec<2>,
    in_flight: Gauge,
}

impl HttpMetrics {
    /// Registers the HTTP metrics in `metrics`; fails if they are already registered there.
    pub fn register(metrics: &Metrics) -> Result<Self, MetricsError> {
        Ok(HttpMetrics {
            requests: metrics.counter_vec(
                "affinity_http_requests_total",
                "HTTP requests answered, by method, route pattern and status.",
                ["method", "route", "status"],
            )?,
            duration: metrics.histogram_vec(
                "affinity_http_request_duration_seconds",
                "Time from receiving an HTTP request to its response head, by method and route pattern.",
                ["method", "route"],
                LATENCY_BUCKETS,
            )?,
            in_flight: metrics.gauge(
                "affinity_http_requests_in_flight",
                "HTTP requests being handled.",
            )?,
        })
    }

    /// The tower layer that records every request.
    #[must_use]
    pub fn layer(&self) -> HttpMetricsLayer {
        HttpMetricsLayer {
            metrics: self.clone(),
        }
    }
}

/// The layer of [`HttpMetrics`].
#[derive(Debug, Clone)]
pub struct HttpMetricsLayer {
    metrics: HttpMetrics,
}

impl<S> Layer<S> for HttpMetricsLayer {
    type Service = HttpMetricsService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        HttpMetricsService {
            inner,
            metrics: self.metrics.clone(),
            cache: Arc::default(),
        }
    }
}

/// The service of [`HttpMetricsLayer`].
///
/// [`axum::Router::layer`] makes one service per route and method, cloned for every request, so
/// each keeps the series of the first request it records (`RouteSeries`, shared by its
/// clones): later requests with the same method, route and status update them without a
/// lookup in the families. Others (another status, or a service that serves several routes)
/// look theirs up.
#[derive(Debug, Clone)]
pub struct HttpMetricsService<S> {
    inner: S,
    metrics: HttpMetrics,
    cache: Arc<OnceLock<RouteSeries>>,
}

/// The series of one method, route and status.
#[derive(Debug)]
struct RouteSeries {
    method: &'static str,
    route: Box<str>,
    status: StatusCode,
    duration: Histogram,
    requests: Counter,
}

/// Decrements the in-flight gauge however the request ends (answered, failed or dropped).
#[derive(Debug)]
struct InFlight(Gauge);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}

impl<S, B, R> Service<Request<B>> for HttpMetricsService<S>
where
    S: Service<Request<B>, Response = Response<R>>,
{
    type Response = Response<R>;
    type Error = S::Error;
    type Future = MetricsFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let method = method_label(request.method());
        let route = request.extensions().get::<MatchedPath>().cloned();
        self.metrics.in_flight.inc();
        let record = Record {
            method,
            route,
            started: Instant::now(),
            metrics: self.metrics.clone(),
            cache: self.cache.clone(),
            _in_flight: InFlight(self.metrics.in_flight.clone()),
        };
        MetricsFuture {
            inner: self.inner.call(request),
            record: Some(record),
        }
    }
}

/// What [`MetricsFuture`] records when the response head is ready.
#[derive(Debug)]
struct Record {
    method: &'static str,
    route: Option<MatchedPath>,
    started: Instant,
    metrics: HttpMetrics,
    cache: Arc<OnceLock<RouteSeries>>,
    _in_flight: InFlight,
}

impl Record {
    fn finish(self, status: StatusCode) {
        let elapsed = self.started.elapsed();
        let route = self
            .route
            .as_ref()
            .map_or(UNMATCHED_ROUTE, MatchedPath::as_str);
        let cached = self.cache.get_or_init(|| RouteSeries {
            method: self.method,
            route: route.into(),
            status,
            duration: self.metrics.duration.with_labels([self.method, route]),
            requests: self
                .metrics
                .requests
                .with_labels([self.method, route, status.as_str()]),
        });
        if cached.method == self.method && *cached.route == *route {
            cached.duration.observe_duration(elapsed);
            if cached.status == status {
                cached.requests.inc();
                return;
            }
        } else {
            self.metrics
                .duration
                .with_labels([self.method, route])
                .observe_duration(elapsed);
        }
        self.metrics
            .requests
            .with_labels([self.method, route, status.as_str()])
            .inc();
    }
}

pin_project_lite::pin_project! {
    /// The future of [`HttpMetricsService`]: the inner service's, recording its answer.
    pub struct MetricsFuture<F> {
        #[pin]
        inner: F,
        record: Option<Record>,
    }
}

impl<F, R, E> Future for MetricsFuture<F>
where
    F: Future<Output = Result<Response<R>, E>>,
{
    type Output = Result<Response<R>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = std::task::ready!(this.inner.poll(cx));
        if let Some(record) = this.record.take() {
            match &result {
                Ok(response) => record.finish(response.status()),
                // A failed service (never with axum's routes, whose error is `Infallible`) is
                // not an answer: it only leaves the in-flight gauge.
                Err(_) => drop(record),
            }
        }
        Poll::Ready(result)
    }
}

impl<F> std::fmt::Debug for MetricsFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetricsFuture").finish_non_exhaustive()
    }
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "OTHER",
    }
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::extract::Path;
    use axum::routing::get;
    use http::StatusCode;
    use tower::ServiceExt;

    use super::*;

    async fn item(Path(id): Path<i64>) -> StatusCode {
        if id < 0 {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::OK
        }
    }

    #[tokio::test]
    async fn each_method_route_and_status_is_its_own_series() {
        let metrics = Metrics::new();
        let http = HttpMetrics::register(&metrics).unwrap();
        let app = Router::new()
            .route("/items/{id}", get(item).put(item))
            .layer(http.layer());
        for (method, path, status) in [
            ("GET", "/items/1", 200),
            ("GET", "/items/2", 200),
            ("GET", "/items/-1", 404),
            ("GET", "/items/3", 200),
            ("PUT", "/items/1", 200),
            ("DELETE", "/items/1", 405),
            ("DELETE", "/items/2", 405),
            ("GET", "/other", 404),
        ] {
            let request = Request::builder()
                .method(method)
                .uri(path)
                .body(Body::empty())
                .unwrap();
            let response = app.clone().oneshot(request).await.unwrap();
            assert_eq!(response.status().as_u16(), status, "{method} {path}");
        }
        let text = metrics.render();
        for line in [
            r#"affinity_http_requests_total{method="GET",route="/items/{id}",status="200"} 3"#,
            r#"affinity_http_requests_total{method="GET",route="/items/{id}",status="404"} 1"#,
            r#"affinity_http_requests_total{method="PUT",route="/items/{id}",status="200"} 1"#,
            r#"affinity_http_requests_total{method="DELETE",route="/items/{id}",status="405"} 2"#,
            r#"affinity_http_request_duration_seconds_count{method="GET",route="/items/{id}"} 4"#,
            r#"affinity_http_request_duration_seconds_count{method="PUT",route="/items/{id}"} 1"#,
            r#"affinity_http_request_duration_seconds_count{method="DELETE",route="/items/{id}"} 2"#,
            "affinity_http_requests_in_flight 0",
        ] {
            assert!(text.contains(line), "{line} in\n{text}");
        }
    }
}
