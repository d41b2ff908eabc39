//! The results of a run, as written to JSON for `dev/bench-server`.

use serde::Serialize;

/// Everything one run measured.
#[derive(Debug, Serialize)]
pub(crate) struct Report {
    /// The point-read benchmark, unless skipped.
    pub(crate) http: Option<HttpReport>,
    /// The fan-out benchmark, one entry per subscriber count.
    pub(crate) fanout: Vec<FanoutReport>,
}

/// The point-read benchmark.
#[derive(Debug, Serialize)]
pub(crate) struct HttpReport {
    /// Concurrent keep-alive connections.
    pub(crate) connections: usize,
    /// Length of one measured round, in seconds.
    pub(crate) round_seconds: f64,
    /// Measured rounds per target.
    pub(crate) rounds: u32,
    /// The length of every response body.
    pub(crate) body_bytes: usize,
    /// One entry per target, the bare server first.
    pub(crate) targets: Vec<HttpTargetReport>,
}

/// One target of the point-read benchmark, over all its rounds.
#[derive(Debug, Serialize)]
pub(crate) struct HttpTargetReport {
    /// The target.
    pub(crate) name: String,
    /// Successful reads.
    pub(crate) requests: u64,
    /// Answers that were not `200` with the expected body.
    pub(crate) errors: u64,
    /// Measured seconds.
    pub(crate) seconds: f64,
    /// Successful reads per second.
    pub(crate) requests_per_second: f64,
    /// The same, per round.
    pub(crate) round_requests_per_second: Vec<f64>,
    /// Latency percentiles, microseconds.
    pub(crate) p50_us: u64,
    /// 90th percentile.
    pub(crate) p90_us: u64,
    /// 99th percentile.
    pub(crate) p99_us: u64,
    /// 99.9th percentile.
    pub(crate) p999_us: u64,
    /// CPU the server process used while this target was loaded, in cores (1.0 = one core).
    pub(crate) server_cpu_cores: f64,
    /// CPU the load generator used meanwhile, in cores.
    pub(crate) client_cpu_cores: f64,
}

/// The fan-out benchmark for one subscriber count, in a fresh server process.
#[derive(Debug, Serialize)]
pub(crate) struct FanoutReport {
    /// Subscribers: WebSocket connections, one subscription each, all on one key.
    pub(crate) subscribers: usize,
    /// Seconds to open every connection.
    pub(crate) connect_seconds: f64,
    /// Server RSS before any connection, bytes.
    pub(crate) rss_before: u64,
    /// Server RSS with every connection open and idle (no subscription), bytes.
    pub(crate) rss_idle: u64,
    /// Server RSS with every connection subscribed, before any update, bytes.
    pub(crate) rss_subscribed: u64,
    /// (rss_idle - rss_before) / subscribers.
    pub(crate) idle_bytes_per_connection: f64,
    /// (rss_subscribed - rss_before) / subscribers.
    pub(crate) subscribed_bytes_per_connection: f64,
    /// One entry per update rate.
    pub(crate) phases: Vec<FanoutPhaseReport>,
    /// Connections that failed or were closed by the server during the run.
    pub(crate) failed_connections: u64,
}

/// One update rate of the fan-out benchmark.
#[derive(Debug, Serialize)]
pub(crate) struct FanoutPhaseReport {
    /// Updates per second asked for.
    pub(crate) rate: u32,
    /// Updates made.
    pub(crate) updates: u64,
    /// Seconds over which they were made.
    pub(crate) update_seconds: f64,
    /// Deltas received by all subscribers.
    pub(crate) deltas: u64,
    /// Snapshots received instead of deltas (coalesced: the subscriber fell behind the key's
    /// delta history).
    pub(crate) snapshots: u64,
    /// Deltas that did not apply to the value the subscriber held (must be 0).
    pub(crate) gaps: u64,
    /// Error frames, undecodable frames and deltas that failed to apply (must be 0).
    pub(crate) errors: u64,
    /// Deltas per second if every update reached every subscriber as a delta.
    pub(crate) expected_deltas_per_second: f64,
    /// Deltas received per second of updating.
    pub(crate) deltas_per_second: f64,
    /// Subscribers holding the last update's value when the phase ended.
    pub(crate) caught_up: usize,
    /// Seconds from the last update until every subscriber held it (or the bound).
    pub(crate) drain_seconds: f64,
    /// Change-to-client latency percentiles over every received delta and snapshot, µs.
    pub(crate) p50_us: u64,
    /// 90th percentile.
    pub(crate) p90_us: u64,
    /// 99th percentile.
    pub(crate) p99_us: u64,
    /// Largest (bucket bound).
    pub(crate) max_us: u64,
    /// Server CPU during the phase, in cores.
    pub(crate) server_cpu_cores: f64,
    /// Load generator CPU during the phase, in cores.
    pub(crate) client_cpu_cores: f64,
    /// Server RSS at the end of the phase, bytes.
    pub(crate) rss_after: u64,
}
