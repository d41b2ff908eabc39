//! [`LiveLimits`]: what one `/live` connection may use.

use std::time::Duration;

use crate::config::LiveConfig;

/// The bounds of one `/live` connection. Every queue and table a connection has is bounded by
/// these, so a client — slow, stalled or hostile — costs the server a fixed amount of memory.
#[derive(Debug, Clone)]
pub(crate) struct LiveLimits {
    /// Frames queued for the socket; past it, subscriptions wait, and their keys' changes
    /// coalesce in the partition's feed instead of queueing.
    pub(crate) queue_capacity: usize,
    /// A connection from which nothing arrived for this long is closed.
    pub(crate) idle_timeout: Duration,
    /// The most live subscriptions on one connection.
    pub(crate) max_subscriptions: usize,
    /// The most publishes in flight on one connection; reading waits past it.
    pub(crate) max_publishes: usize,
    /// The largest message accepted from a client.
    pub(crate) max_frame_size: usize,
}

impl LiveLimits {
    pub(crate) fn new(config: &LiveConfig) -> Self {
        LiveLimits {
            queue_capacity: config.queue_capacity.max(1),
            idle_timeout: config.heartbeat.saturating_mul(2),
            max_subscriptions: 10_000,
            max_publishes: 64,
            max_frame_size: 1 << 20,
        }
    }
}
