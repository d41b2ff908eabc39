//! Live subscriptions: the server side of the `/live` WebSocket protocol (DESIGN.md §5, frames
//! in `affinity-protocol`).
//!
//! A client multiplexes many subscriptions on one socket. Each `Subscribe` adds a stream to the
//! connection's writer task that asks the key's partition for a
//! [`FeedReader`](crate::feed::FeedReader), sends a snapshot (or,
//! with `resume_from`, only what changed since — as deltas while the partition's feed still has
//! them), then every change as a delta with its offset. `Publish` hands a message to the key's
//! handler and answers `Published` or an `Error` for that request; publishes from one connection
//! to one key are handled (and answered) in the order they were sent, those to different keys
//! concurrently; `Ping` gets a `Pong`.
//! Errors that concern one subscription or request (unknown keyspace or state, a key that does
//! not decode, a message the handler rejects) are `Error` frames for it; the socket stays open.
//! A malformed frame gets an `Error` with neither id.
//!
//! **Bounded.** A connection has one bounded queue of answers for its writer
//! (`live.queue_capacity`), and the writer reads a subscription's next change only when the
//! socket has taken the previous frames: a subscription whose client is slow waits — never the
//! partition, which only records changes in its bounded per-key feed — and when it can send
//! again it asks the feed for what its client misses: the deltas if they are still there, else
//! the latest value alone. Frames ready together are written with one flush. So a client that stops reading costs a fixed amount of memory and receives the
//! latest value when it resumes. Subscriptions (10 000) and publishes in flight (64) per
//! connection are bounded too, as is a client message (1 MiB). A connection from which nothing
//! arrives for two heartbeat intervals (`live.heartbeat`; clients ping) is closed.

mod connection;
mod frames;
mod halt;
mod limits;
mod metrics;
mod order;
mod route;
mod subscription;
mod writer;

use std::sync::Arc;
use tokio_util::sync::CancellationToken;

pub(crate) use limits::LiveLimits;
pub(crate) use metrics::LiveMetrics;
pub(crate) use route::routes;

use crate::keyspace::Keyspaces;

/// What every `/live` connection of a node shares.
#[derive(Debug)]
pub(crate) struct LiveContext {
    pub(crate) keyspaces: Arc<Keyspaces>,
    pub(crate) limits: LiveLimits,
    pub(crate) metrics: LiveMetrics,
    /// Cancelled when the node shuts down: every connection closes.
    pub(crate) stop: CancellationToken,
}
