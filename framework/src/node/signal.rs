//! Waiting for SIGINT or SIGTERM.

use super::NodeError;

/// Returns when the process receives SIGINT (Ctrl-C) or, on Unix, SIGTERM.
pub(crate) async fn shutdown_signal() -> Result<(), NodeError> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).map_err(NodeError::Signal)?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result.map_err(NodeError::Signal),
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await.map_err(NodeError::Signal)
    }
}
