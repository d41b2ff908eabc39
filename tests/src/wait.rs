//! Bounded waits: every wait in the suite ends, with a message saying what did not happen.

use std::future::Future;
use std::time::Duration;

/// The longest any single step of a test waits.
pub const WAIT: Duration = Duration::from_secs(20);

/// `future`'s output, or a panic naming `what` if it takes longer than [`WAIT`].
pub async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    within_for(WAIT, what, future).await
}

/// `future`'s output, or a panic naming `what` if it takes longer than `limit`.
pub async fn within_for<T>(limit: Duration, what: &str, future: impl Future<Output = T>) -> T {
    match tokio::time::timeout(limit, future).await {
        Ok(output) => output,
        Err(_) => panic!("timed out after {limit:?} waiting for {what}"),
    }
}

/// Whether `future` finishes within `limit` (for "nothing more arrives" checks).
pub async fn finishes_within<T>(limit: Duration, future: impl Future<Output = T>) -> Option<T> {
    tokio::time::timeout(limit, future).await.ok()
}
