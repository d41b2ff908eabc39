//! Metrics in the Prometheus text exposition format (0.0.4), without a Prometheus crate.
//!
//! A [`Metrics`] registry holds families of [`Counter`]s, [`Gauge`]s and [`Histogram`]s,
//! each with a fixed set of label names (the `N` in [`CounterVec<N>`]: the number of label
//! values is checked at compile time). Registration checks names and may fail
//! ([`MetricsError`]); the handles it returns update with single atomic operations, so keep
//! them on hot paths. [`Metrics::render`] writes the text format: `# HELP` and `# TYPE` lines,
//! escaped label values, histograms as cumulative `_bucket` series with `le` (including
//! `+Inf`) plus `_sum` and `_count`. `/metrics` ([`crate::gateway::ops_routes`]) serves it with
//! the content type [`CONTENT_TYPE`].
//!
//! [`HttpMetrics`] is the HTTP server's own instrumentation, as a tower layer.
//!
//! Why no `prometheus` crate: the format is small, and this keeps the hot path to atomics and
//! the dependency tree free of a second metrics model.

mod counter;
mod error;
mod family;
mod gauge;
mod histogram;
mod http;
mod registry;
mod text;

pub use counter::{Counter, CounterVec};
pub use error::MetricsError;
pub use gauge::{Gauge, GaugeVec};
pub use histogram::{DEFAULT_BUCKETS, Histogram, HistogramVec, LATENCY_BUCKETS};
pub use http::{HttpMetrics, HttpMetricsLayer, HttpMetricsService, MetricsFuture, UNMATCHED_ROUTE};
pub use registry::Metrics;
pub use text::CONTENT_TYPE;
