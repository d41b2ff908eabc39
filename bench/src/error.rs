//! [`BenchError`]: why a benchmark run failed.

/// Why a benchmark run failed. A run fails rather than report figures it cannot stand behind.
#[derive(Debug, thiserror::Error)]
pub(crate) enum BenchError {
    /// The command line is wrong.
    #[error("{0}\n\n{usage}", usage = crate::args::USAGE)]
    Usage(String),
    /// An I/O operation failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// A node failed to start or stop.
    #[error(transparent)]
    Node(#[from] affinity::node::NodeError),
    /// A partition did not answer.
    #[error(transparent)]
    Ask(#[from] affinity::keyspace::AskError),
    /// An HTTP exchange failed.
    #[error("HTTP: {0}")]
    Http(String),
    /// A WebSocket failed.
    #[error("WebSocket: {0}")]
    WebSocket(String),
    /// A peer answered something unexpected.
    #[error("{0}")]
    Protocol(String),
    /// A phase did not finish in its time.
    #[error("timed out: {0}")]
    Timeout(String),
}

impl BenchError {
    /// A function wrapping an I/O error with what was being done.
    pub(crate) fn io(what: &'static str) -> impl FnOnce(std::io::Error) -> BenchError {
        move |source| BenchError::Io { what, source }
    }
}
