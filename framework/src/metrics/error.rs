//! The error type of metric registration.

/// Why a metric could not be registered in a [`Metrics`](super::Metrics) registry.
///
/// Registration is the only fallible step: once registered, updating a metric cannot fail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MetricsError {
    /// The metric name is not `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    #[error("invalid metric name `{0}`: expected [a-zA-Z_:][a-zA-Z0-9_:]*")]
    InvalidName(String),
    /// A label name is not `[a-zA-Z_][a-zA-Z0-9_]*`, starts with `__` (reserved), or is `le`
    /// on a histogram (where Prometheus uses it for the bucket bound).
    #[error("metric `{metric}`: invalid label name `{label}`: {reason}")]
    InvalidLabel {
        /// The metric.
        metric: String,
        /// The label name.
        label: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The same label name is given twice.
    #[error("metric `{metric}`: label `{label}` is given twice")]
    DuplicateLabel {
        /// The metric.
        metric: String,
        /// The label name.
        label: String,
    },
    /// A metric of this name is already registered.
    #[error("a metric named `{0}` is already registered")]
    AlreadyRegistered(String),
    /// Histogram bucket bounds must be finite and strictly increasing.
    #[error("metric `{metric}`: invalid buckets: {reason}")]
    InvalidBuckets {
        /// The metric.
        metric: String,
        /// What is wrong with them.
        reason: &'static str,
    },
}
