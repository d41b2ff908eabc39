//! [`PeerMetrics`]: what `/metrics` says about the peer listener.

use crate::metrics::{Gauge, Metrics, MetricsError};

/// The peer listener's metrics.
#[derive(Debug, Clone)]
pub(crate) struct PeerMetrics {
    /// Keys this node follows for other nodes' live subscribers.
    pub(crate) watches: Gauge,
}

impl PeerMetrics {
    pub(crate) fn register(metrics: &Metrics) -> Result<Self, MetricsError> {
        Ok(PeerMetrics {
            watches: metrics.gauge(
                "affinity_peer_watches",
                "Keys this node follows for the live subscribers of other nodes of its cluster.",
            )?,
        })
    }
}
