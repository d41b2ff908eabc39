//! [`Counter`] and [`CounterVec`].

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::family::{Series, Shared};
use super::text::{self, Number};

/// A monotonically increasing count (Prometheus `counter`). Cloning gives another handle to the
/// same series; an update is one atomic add.
#[derive(Debug, Clone, Default)]
pub struct Counter(Arc<AtomicU64>);

impl Counter {
    /// Adds one.
    pub fn inc(&self) {
        self.inc_by(1);
    }

    /// Adds `n` (wrapping at `u64::MAX`, which no real count reaches).
    pub fn inc_by(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }

    /// The current count.
    #[must_use]
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

impl Series for Counter {
    type Config = ();
    const KIND: &'static str = "counter";

    fn create((): &()) -> Self {
        Counter::default()
    }

    fn render(&self, name: &str, labels: &[(&str, &str)], out: &mut String) {
        text::write_sample(out, name, "", labels, None, Number::Int(self.get()));
    }
}

/// A family of [`Counter`]s with `N` labels, from
/// [`Metrics::counter_vec`](super::Metrics::counter_vec).
#[derive(Clone)]
pub struct CounterVec<const N: usize>(pub(crate) Shared<Counter, N>);

impl<const N: usize> CounterVec<N> {
    /// The counter for these label values (in the order the labels were registered), created at
    /// zero on first use. Keep the handle where the same labels are used often.
    #[must_use]
    pub fn with_labels(&self, values: [&str; N]) -> Counter {
        self.0.get(values)
    }
}

impl<const N: usize> std::fmt::Debug for CounterVec<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CounterVec").finish_non_exhaustive()
    }
}
