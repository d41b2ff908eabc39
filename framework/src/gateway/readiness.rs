//! [`Readiness`]: whether the node serves traffic, as `/ready` reports it.

use std::sync::{Arc, PoisonError, RwLock};

/// Whether the node is ready to serve, with the reason when it is not. The node sets it (ready
/// once its partitions have masters and its listeners are up; not ready while draining);
/// `/ready` answers 200 or 503 from it. Cloning gives another handle to the same flag.
///
/// ```
/// use affinity::gateway::Readiness;
///
/// let readiness = Readiness::new();
/// assert_eq!(readiness.not_ready_reason().as_deref(), Some("starting"));
/// readiness.set_ready();
/// assert!(readiness.is_ready());
/// readiness.set_not_ready("shutting down");
/// assert_eq!(readiness.not_ready_reason().as_deref(), Some("shutting down"));
/// ```
#[derive(Debug, Clone)]
pub struct Readiness(Arc<RwLock<Option<String>>>);

impl Default for Readiness {
    fn default() -> Self {
        Readiness::new()
    }
}

impl Readiness {
    /// Not ready, with the reason `starting`.
    #[must_use]
    pub fn new() -> Self {
        Readiness(Arc::new(RwLock::new(Some("starting".to_owned()))))
    }

    /// Marks the node ready.
    pub fn set_ready(&self) {
        *self.0.write().unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// Marks the node not ready, saying why.
    pub fn set_not_ready(&self, reason: impl Into<String>) {
        *self.0.write().unwrap_or_else(PoisonError::into_inner) = Some(reason.into());
    }

    /// Whether the node is ready.
    #[must_use]
    pub fn is_ready(&self) -> bool {
        self.not_ready_reason().is_none()
    }

    /// Why the node is not ready; `None` when it is.
    #[must_use]
    pub fn not_ready_reason(&self) -> Option<String> {
        self.0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}
