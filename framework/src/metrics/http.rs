//! [`HttpMetrics`]: request counts and latencies per route, as a tower layer.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::extract::MatchedPath;
use http::{Method, Request, Response};
use tower::{Layer, Service};

use super::{CounterVec, Gauge, HistogramVec, LATENCY_BUCKETS, Metrics, MetricsError};

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
        }
    }
}

/// The service of [`HttpMetricsLayer`].
#[derive(Debug, Clone)]
pub struct HttpMetricsService<S> {
    inner: S,
    metrics: HttpMetrics,
}

/// Decrements the in-flight gauge however the request ends (answered, failed or dropped).
struct InFlight(Gauge);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}

impl<S, B, R> Service<Request<B>> for HttpMetricsService<S>
where
    S: Service<Request<B>, Response = Response<R>>,
    S::Future: Send + 'static,
{
    type Response = Response<R>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<R>, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let method = method_label(request.method());
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .map_or_else(|| UNMATCHED_ROUTE.to_owned(), |p| p.as_str().to_owned());
        let metrics = self.metrics.clone();
        metrics.in_flight.inc();
        let guard = InFlight(metrics.in_flight.clone());
        let started = Instant::now();
        let future = self.inner.call(request);
        Box::pin(async move {
            let _guard = guard;
            let result = future.await;
            if let Ok(response) = &result {
                metrics
                    .duration
                    .with_labels([method, &route])
                    .observe_duration(started.elapsed());
                metrics
                    .requests
                    .with_labels([method, &route, response.status().as_str()])
                    .inc();
            }
            result
        })
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
