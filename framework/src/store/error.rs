//! The error type of stores.

use std::path::PathBuf;

/// An error from a [`Store`](super::Store).
///
/// A failed [`Store::write`](super::Store::write) has applied nothing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A table this store does not have.
    #[error("the store has no table `{0}`")]
    UnknownTable(String),
    /// A table name that cannot be used.
    #[error("invalid table name `{name}`: {reason}")]
    InvalidTableName {
        /// The name given.
        name: String,
        /// Why it cannot be used.
        reason: &'static str,
    },
    /// The path exists but is not a store: a file, or a non-empty directory without a
    /// database. Nothing was created or changed there.
    #[error("{} is not a store: {reason}", path.display())]
    NotAStore {
        /// The path given.
        path: PathBuf,
        /// What was found there.
        reason: &'static str,
    },
    /// A file-system operation failed.
    #[error("store I/O on {}: {source}", path.display())]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The stored data is damaged or was not written by this code.
    #[error("store data is corrupt: {0}")]
    Corrupt(String),
    /// The storage engine failed.
    #[error("storage engine error during {operation}: {message}")]
    Backend {
        /// What was being done (`"open"`, `"write"`, `"get"`, …).
        operation: &'static str,
        /// The engine's message.
        message: String,
    },
    /// The store was closed with [`Store::close`](super::Store::close).
    #[error("the store is closed")]
    Closed,
}
