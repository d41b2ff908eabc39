//! [`CoordinatorStatus`]: the coordinator's standing with the cluster.

/// Where a coordinator stands with its cluster, as [`Coordinator::status`](super::Coordinator::status)
/// reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CoordinatorStatus {
    /// In contact: its masterships hold.
    Connected,
    /// Out of contact for longer than the safe bound: every mastership it held is lost
    /// (cancelled) and it claims no new one until it is back in contact. It may recover (the
    /// session did not expire), then it is `Connected` again.
    Suspended,
    /// The session expired or was closed by the server: terminal. Masterships are lost, its
    /// membership is gone; connect a new coordinator.
    Expired,
    /// [`Coordinator::shutdown`](super::Coordinator::shutdown) ran (or the coordinator was
    /// dropped): terminal.
    Stopped,
}

impl CoordinatorStatus {
    /// Whether the coordinator can do nothing more.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            CoordinatorStatus::Expired | CoordinatorStatus::Stopped
        )
    }
}
