//! [`LiveMetrics`]: what `/metrics` says about `/live`.

use crate::metrics::{Counter, Gauge, Metrics, MetricsError};

/// The live server's metrics.
#[derive(Debug, Clone)]
pub(crate) struct LiveMetrics {
    /// Open `/live` connections.
    pub(crate) connections: Gauge,
    /// Live subscriptions across connections.
    pub(crate) subscriptions: Gauge,
    /// Frames queued for clients.
    pub(crate) frames: Counter,
    /// Client frames refused as malformed or unknown.
    pub(crate) bad_frames: Counter,
}

impl LiveMetrics {
    pub(crate) fn register(metrics: &Metrics) -> Result<Self, MetricsError> {
        Ok(LiveMetrics {
            connections: metrics.gauge(
                "affinity_live_connections",
                "Open /live WebSocket connections.",
            )?,
            subscriptions: metrics.gauge(
                "affinity_live_subscriptions",
                "Live subscriptions across all /live connections.",
            )?,
            frames: metrics.counter(
                "affinity_live_frames_sent_total",
                "Frames (snapshots, deltas, deletions, answers) queued for /live clients.",
            )?,
            bad_frames: metrics.counter(
                "affinity_live_bad_frames_total",
                "Client frames refused because they did not decode.",
            )?,
        })
    }
}
